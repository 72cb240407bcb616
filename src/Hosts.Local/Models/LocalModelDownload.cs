using ChatBedrock.Adapters.LlamaSharp;

namespace ChatBedrock.Hosts.Local.Models;

/// <summary>
/// Downloads the default local model while the host already serves: the console shows a progress bar, the
/// page the same progress through <c>GET /status</c>. A failure never stops the host; it is logged and shown
/// with what to do. Stopping the host keeps the partial file, and the next start resumes it.
/// </summary>
internal sealed partial class LocalModelDownload(
    LocalModelLocation model,
    ModelDownloadState state,
    IProgress<DownloadProgress> progressBar,
    IHttpClientFactory httpClients,
    ILogger<LocalModelDownload> logger) : BackgroundService
{
    public const string HttpClientName = "ChatBedrock.LocalModelDownload";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var file = model.Download!;
        if (ModelDownloader.IsDownloaded(file, model.Directory))
        {
            return;
        }

        LogDownloading(file.FileName, file.Size / 1_000_000, file.Url.Host, model.Path);
        try
        {
            var downloader = new ModelDownloader(httpClients.CreateClient(HttpClientName));
            await downloader.EnsureDownloadedAsync(file, model.Directory, new Both(state, progressBar), stoppingToken).ConfigureAwait(false);
            LogDownloaded(model.Path);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            LogPaused();
        }
        catch (Domain.ChatException problem)
        {
            // The host keeps serving: the page and the API say what to do. The message says what went wrong.
            state.Failed($"{problem.Message} {LocalModelProvider.Alternatives}");
            LogFailed(problem.Message, exception: null);
        }
        catch (Exception problem)
        {
            var message = $"The local model could not be downloaded ({problem.Message}).";
            state.Failed($"{message} {LocalModelProvider.Alternatives}");
            LogFailed(message, problem);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Downloading the local model {File} ({Megabytes} MB) from {Host} to {Path}, once; the chat answers when it is done")]
    private partial void LogDownloading(string file, long megabytes, string host, string path);

    [LoggerMessage(2, LogLevel.Information, "The local model is ready: {Path}")]
    private partial void LogDownloaded(string path);

    [LoggerMessage(3, LogLevel.Information, "The model download stopped with the host; it resumes at the next start")]
    private partial void LogPaused();

    [LoggerMessage(4, LogLevel.Warning, "{Message} The host keeps running: start it with --model <path of a GGUF chat model>, or give it AWS credentials and use --model-provider bedrock")]
    private partial void LogFailed(string message, Exception? exception);

    private sealed class Both(IProgress<DownloadProgress> first, IProgress<DownloadProgress> second) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value)
        {
            first.Report(value);
            second.Report(value);
        }
    }
}
