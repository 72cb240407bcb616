using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>
/// Downloads a <see cref="ModelFile"/> once into a cache folder. The bytes go to <c>&lt;name&gt;.part</c>; an
/// interrupted download resumes from there (HTTP Range) on the next call; the file gets its final name only
/// after its SHA-256 matched, so a file under the final name is always complete and verified.
/// </summary>
/// <remarks>Failures are <see cref="ChatException"/>s with <see cref="ChatErrorCode.ModelUnavailable"/> and a message saying what to do.</remarks>
public sealed class ModelDownloader
{
    private const string PartialSuffix = ".part";
    private readonly HttpClient _http;
    private readonly TimeProvider _time;

    /// <param name="http">The client to download with. Its <see cref="HttpClient.Timeout"/> bounds the wait for the response headers only.</param>
    /// <param name="time">Measures <see cref="StallTimeout"/>; <see cref="TimeProvider.System"/> when null.</param>
    public ModelDownloader(HttpClient http, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        _http = http;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long the download may receive nothing before it counts as interrupted. Default 60 s.</summary>
    public TimeSpan StallTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The user's cache folder for models: <c>$XDG_CACHE_HOME/chatbedrock/models</c> or
    /// <c>~/.cache/chatbedrock/models</c> on Linux, <c>&lt;LocalApplicationData&gt;/ChatBedrock/models</c> elsewhere.
    /// </summary>
    public static string DefaultDirectory => DirectoryFor(OperatingSystem.IsLinux(), Environment.GetEnvironmentVariable);

    /// <summary>Where <paramref name="file"/> is (or will be) once downloaded.</summary>
    public static string PathOf(ModelFile file, string? directory = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        return Path.Combine(directory ?? DefaultDirectory, file.FileName);
    }

    /// <summary>Whether <paramref name="file"/> is already downloaded and verified.</summary>
    public static bool IsDownloaded(ModelFile file, string? directory = null)
    {
        var path = PathOf(file, directory);
        return File.Exists(path) && new FileInfo(path).Length == file.Size;
    }

    /// <summary>
    /// Returns the path of <paramref name="file"/> in <paramref name="directory"/> (default:
    /// <see cref="DefaultDirectory"/>), downloading and verifying it first unless it is already there.
    /// </summary>
    public async Task<string> EnsureDownloadedAsync(ModelFile file, string? directory = null, IProgress<DownloadProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        var target = PathOf(file, directory);
        if (IsDownloaded(file, directory))
        {
            return target;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = target + PartialSuffix;
        bool verified;
        var stream = OpenPartial(partial);
        try
        {
            if (stream.Length > file.Size)
            {
                stream.SetLength(0);
            }

            if (stream.Length < file.Size)
            {
                await DownloadAsync(file, target, stream, progress, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                progress?.Report(new DownloadProgress(file.Size, file.Size));
            }

            stream.Position = 0;
            var hash = Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            verified = string.Equals(hash, file.Sha256, StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            // A download that failed before its first byte leaves no empty file behind; a longer one is kept to resume.
            var empty = stream.Length == 0;
            await stream.DisposeAsync().ConfigureAwait(false);
            if (empty)
            {
                File.Delete(partial);
            }
        }

        if (!verified)
        {
            File.Delete(partial);
            throw new ChatException(ChatErrorCode.ModelUnavailable,
                $"The model downloaded from {file.Url.Host} does not have the expected SHA-256 {file.Sha256}, so it was deleted. " +
                "Run again to download it afresh; if this repeats, the file on the server is not the one pinned: " +
                $"set {LlamaSharpModelOptions.SectionName}:{nameof(LlamaSharpModelOptions.ModelPath)} to a GGUF model you trust instead.");
        }

        File.Move(partial, target, overwrite: true);
        return target;
    }

    internal static string DirectoryFor(bool isLinux, Func<string, string?> environment)
    {
        if (isLinux)
        {
            var xdg = environment("XDG_CACHE_HOME");
            var cache = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
                ? xdg
                : Path.Combine(environment("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "chatbedrock", "models");
        }

        return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ChatBedrock", "models");
    }

    /// <summary>How to get the model without this download: its address and checksum, and where to put it.</summary>
    private static string ByOtherMeans(ModelFile file, string target) =>
        $"To get it by other means, download {file.Url} (SHA-256 {file.Sha256}, {file.Size} bytes) and save it as {target}, " +
        $"or set {LlamaSharpModelOptions.SectionName}:{nameof(LlamaSharpModelOptions.ModelPath)} to a GGUF model you already have.";

    private static FileStream OpenPartial(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1 << 16, useAsync: true);
        }
        catch (IOException e)
        {
            throw new ChatException(ChatErrorCode.ModelUnavailable,
                $"Cannot write '{path}': {e.Message} Is another ChatBedrock downloading the same model? Wait for it, or stop it and run again.", e);
        }
    }

    private async Task DownloadAsync(ModelFile file, string target, FileStream stream, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        var offset = stream.Length;
        using var request = new HttpRequestMessage(HttpMethod.Get, file.Url);
        if (offset > 0)
        {
            request.Headers.Range = new RangeHeaderValue(offset, null);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new ChatException(ChatErrorCode.ModelUnavailable,
                $"Cannot reach {file.Url.Host} to download the local model ({e.Message}). Check the network connection and run again. " +
                ByOtherMeans(file, target), e);
        }

        using (response)
        {
            if (response.StatusCode == HttpStatusCode.OK)
            {
                offset = 0; // The server ignored the range: start over.
                stream.SetLength(0);
            }
            else if (response.StatusCode != HttpStatusCode.PartialContent || response.Content.Headers.ContentRange?.From != offset)
            {
                throw new ChatException(ChatErrorCode.ModelUnavailable,
                    $"Downloading the local model from {file.Url.Host} failed: the server answered {(int)response.StatusCode} {response.ReasonPhrase}. " +
                    "Run again later. " + ByOtherMeans(file, target));
            }

            if (response.Content.Headers.ContentLength is { } length && offset + length != file.Size)
            {
                throw new ChatException(ChatErrorCode.ModelUnavailable,
                    $"The server offers {offset + length} bytes for the local model but the pinned file has {file.Size}: it is not the expected file. " +
                    $"Set {LlamaSharpModelOptions.SectionName}:{nameof(LlamaSharpModelOptions.ModelPath)} to a GGUF model you trust instead.");
            }

            stream.Position = offset;
            progress?.Report(new DownloadProgress(offset, file.Size));
            try
            {
                await CopyAsync(response, stream, file.Size, progress, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                await stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                throw Interrupted(file, target, stream.Length, e.Message, e);
            }
        }

        if (stream.Length != file.Size)
        {
            throw Interrupted(file, target, stream.Length, "the connection closed early", null);
        }
    }

    private async Task CopyAsync(HttpResponseMessage response, FileStream stream, long size, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        using var stall = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (body.ConfigureAwait(false))
        {
            var buffer = new byte[1 << 17];
            while (true)
            {
                stall.CancelAfter(StallTimeout);
                var read = await body.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                if (stream.Position + read > size)
                {
                    throw new IOException($"the server sent more than the expected {size} bytes");
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                progress?.Report(new DownloadProgress(stream.Position, size));
            }
        }
    }

    private static ChatException Interrupted(ModelFile file, string target, long received, string reason, Exception? inner) => new(
        ChatErrorCode.ModelUnavailable,
        $"The download of the local model from {file.Url.Host} stopped after {received / 1_000_000} of {file.Size / 1_000_000} MB ({reason}). " +
        "Run again to resume it. " + ByOtherMeans(file, target),
        inner);
}
