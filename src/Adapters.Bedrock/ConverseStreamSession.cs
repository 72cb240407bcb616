using System.Text.Json;
using ChatBedrock.Adapters.Bedrock.EventStream;
using ChatBedrock.Adapters.Bedrock.Wire;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// One ConverseStream answer being read: decodes event-stream messages into text deltas and one end,
/// as they arrive. Exception frames become <see cref="ChatException"/>s; unknown events are skipped.
/// </summary>
internal sealed class ConverseStreamSession : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly Stream _body;
    private readonly EventStreamReader _reader;
    private readonly string _modelId;
    private readonly string? _region;
    private readonly ILogger _logger;
    private string? _stopReason;
    private bool _ended;

    public ConverseStreamSession(HttpResponseMessage response, Stream body, string modelId, string? region, ILogger logger)
    {
        _response = response;
        _body = body;
        _reader = new EventStreamReader(body);
        _modelId = modelId;
        _region = region;
        _logger = logger;
    }

    /// <summary>The model's latency reported in the final metadata event, when known.</summary>
    public long? LatencyMs { get; private set; }

    /// <summary>The next delta, or the end (then null on later calls).</summary>
    public async ValueTask<ModelStreamUpdate?> ReadAsync(CancellationToken cancellationToken)
    {
        while (!_ended)
        {
            // Frames may already be buffered, so the reader alone would not notice a cancellation.
            cancellationToken.ThrowIfCancellationRequested();
            EventStreamMessage? next;
            try
            {
                next = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidDataException or IOException or HttpRequestException)
            {
                throw new ChatException(ChatErrorCode.ModelUnavailable, $"Bedrock's answer stream from model {_modelId} broke ({e.Message}).", e);
            }

            if (next is not { } message)
            {
                return _stopReason is not null
                    ? End(null)
                    : throw new ChatException(ChatErrorCode.ModelUnavailable, $"Bedrock's answer stream from model {_modelId} ended before the answer was complete.");
            }

            if (Handle(message) is { } update)
            {
                return update;
            }
        }

        return null;
    }

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await _body.DisposeAsync().ConfigureAwait(false);
        _response.Dispose();
    }

    private ModelStreamUpdate? Handle(EventStreamMessage message)
    {
        var headers = message.Headers;
        var payload = message.Payload.Span;
        switch (headers.MessageType)
        {
            case "event":
                switch (headers.EventType)
                {
                    case "contentBlockDelta":
                        return ReadDeltaText(payload) is { Length: > 0 } text ? new ModelTextDelta(text) : null;
                    case "messageStop":
                        _stopReason = Deserialize(payload, BedrockJsonContext.Default.MessageStopEvent)?.StopReason ?? StopReasons.EndTurn;
                        return null;
                    case "metadata":
                        var metadata = Deserialize(payload, BedrockJsonContext.Default.MetadataEvent);
                        LatencyMs = metadata?.Metrics?.LatencyMs;
                        return End(metadata?.Usage);
                    default:
                        return null;
                }

            case "exception":
                throw BedrockErrors.Map(_logger, headers.ExceptionType, null, ErrorMessage(payload), _modelId, _region);
            case "error":
                throw BedrockErrors.Map(_logger, headers.ErrorCode, null, headers.ErrorMessage, _modelId, _region);
            default:
                return null;
        }
    }

    private ModelStreamEnd End(TokenUsage? usage)
    {
        _ended = true;
        return new ModelStreamEnd(TokenUsage.ToModelUsage(usage), _stopReason ?? StopReasons.EndTurn) { ModelId = _modelId };
    }

    private string? ReadDeltaText(ReadOnlySpan<byte> payload)
    {
        try
        {
            return ContentBlockDeltaReader.ReadText(payload);
        }
        catch (JsonException e)
        {
            throw Unreadable(e);
        }
    }

    private T? Deserialize<T>(ReadOnlySpan<byte> payload, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, type);
        }
        catch (JsonException e)
        {
            throw Unreadable(e);
        }
    }

    private ChatException Unreadable(JsonException e) =>
        new(ChatErrorCode.ModelUnavailable, $"Bedrock's answer stream from model {_modelId} has an unreadable event ({e.Message}).", e);

    private static string? ErrorMessage(ReadOnlySpan<byte> payload)
    {
        try
        {
            return JsonSerializer.Deserialize(payload, BedrockJsonContext.Default.ErrorBody)?.Message;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
