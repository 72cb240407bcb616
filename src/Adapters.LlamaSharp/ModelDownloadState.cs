using System.Globalization;

namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>
/// How the download of the model's file goes, for the model's status while the file is not there yet. Whoever
/// downloads it (a host, with <see cref="ModelDownloader"/>) registers one and reports progress and failure to it;
/// without one, a missing file is just missing.
/// </summary>
/// <param name="file">The file being downloaded to <see cref="LlamaSharpModelOptions.ModelPath"/>.</param>
public sealed class ModelDownloadState(ModelFile file) : IProgress<DownloadProgress>
{
    private readonly Lock _gate = new();
    private DownloadProgress? _progress;
    private string? _failure;

    public ModelFile File { get; } = file;

    public void Report(DownloadProgress value)
    {
        lock (_gate)
        {
            _progress = value;
        }
    }

    /// <summary>Records why the download failed; <paramref name="message"/> is shown as it is, so say what to do.</summary>
    public void Failed(string message)
    {
        lock (_gate)
        {
            _failure = message;
        }
    }

    /// <summary>What is happening while the file is missing: the failure, else how far the download has come.</summary>
    internal string Describe(string name)
    {
        lock (_gate)
        {
            if (_failure is not null)
            {
                return _failure;
            }

            var done = _progress ?? new DownloadProgress(0, File.Size);
            return string.Create(CultureInfo.InvariantCulture,
                $"Downloading the local model {name}: {done.BytesReceived / 1_000_000} of {done.TotalBytes / 1_000_000} MB ({done.Fraction:P0}). The chat answers once it is done.");
        }
    }
}
