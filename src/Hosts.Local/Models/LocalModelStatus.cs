using System.Globalization;
using ChatBedrock.Adapters.LlamaSharp;
using ChatBedrock.Http;

namespace ChatBedrock.Hosts.Local.Models;

/// <summary>
/// The local model's file and, for the default model, how its download goes: ready once the file is there
/// (a downloaded file gets its final name only after its checksum matched), else what is happening or what to do.
/// </summary>
internal sealed class LocalModelStatus : IModelStatus, IProgress<DownloadProgress>
{
    private const string Alternatives =
        "Or start the host with --model <path of a GGUF chat model>, or give it AWS credentials and a region and use --model-provider bedrock.";

    private readonly Lock _gate = new();
    private DownloadProgress? _progress;
    private string? _failure;

    /// <param name="path">The model file.</param>
    /// <param name="download">The file to download to <paramref name="path"/>; null when the file was given.</param>
    /// <param name="directory">The folder it is downloaded into; null for the user's cache folder.</param>
    public LocalModelStatus(string path, ModelFile? download, string? directory)
    {
        Path = path;
        Download = download;
        Directory = directory;
    }

    public string Path { get; }

    public ModelFile? Download { get; }

    public string? Directory { get; }

    public ValueTask<ModelStatus> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Current());

    public void Report(DownloadProgress value)
    {
        lock (_gate)
        {
            _progress = value;
        }
    }

    /// <summary>Records why the download failed; the message says what to do.</summary>
    public void Failed(string message)
    {
        lock (_gate)
        {
            _failure = message;
        }
    }

    private ModelStatus Current()
    {
        var name = System.IO.Path.GetFileName(Path);
        if (File.Exists(Path))
        {
            return new ModelStatus("local", name);
        }

        if (Download is null)
        {
            return NotReady($"The model file {Path} does not exist. Start the host with --model <path of a GGUF chat model>, " +
                "or without --model to download the default model.");
        }

        lock (_gate)
        {
            if (_failure is not null)
            {
                return NotReady($"{_failure} {Alternatives}");
            }

            var done = _progress ?? new DownloadProgress(0, Download.Size);
            return NotReady(string.Create(CultureInfo.InvariantCulture,
                $"Downloading the local model {name}: {done.BytesReceived / 1_000_000} of {done.TotalBytes / 1_000_000} MB ({done.Fraction:P0}). The chat answers once it is done."));
        }

        ModelStatus NotReady(string message) => new("local", name, Ready: false, message);
    }
}
