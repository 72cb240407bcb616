using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.LlamaSharp;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Loaded local model {Path} in {ElapsedMilliseconds} ms (chat template: {Template}; context {ContextSize} tokens; {Threads} threads)")]
    public static partial void ModelLoaded(ILogger logger, string path, long elapsedMilliseconds, string template, int contextSize, int threads);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "Could not load local model {Path}")]
    public static partial void ModelLoadFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Debug,
        Message = "Local model answered: {InputTokens} prompt tokens, {OutputTokens} answer tokens, stop reason {StopReason}, {ElapsedMilliseconds} ms")]
    public static partial void Answered(ILogger logger, int inputTokens, int outputTokens, string stopReason, long elapsedMilliseconds);

    [LoggerMessage(EventId = 4, Message = "llama.cpp: {Message}")]
    public static partial void Native(ILogger logger, LogLevel level, string message);
}
