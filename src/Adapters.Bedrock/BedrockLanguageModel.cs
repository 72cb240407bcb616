using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Text;
using ChatBedrock.Adapters.Bedrock.Wire;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// <see cref="ILanguageModel"/> over Bedrock Converse and ConverseStream. The request body is
/// <see cref="ConverseRequestMapper"/>'s; each call has one <see cref="BedrockDeadline"/> covering retries and
/// the whole answer; transient failures are retried with jittered exponential backoff while the deadline
/// allows, and a stream only until its first delta has been handed out.
/// </summary>
internal sealed partial class BedrockLanguageModel : ILanguageModel
{
    private readonly BedrockRuntimeClient _client;
    private readonly BedrockModelOptions _options;
    private readonly ConverseRequestMapper _requests;
    private readonly TimeProvider _time;
    private readonly ILogger<BedrockLanguageModel> _logger;
    private readonly BedrockConfigurationCheck _check;

    public BedrockLanguageModel(
        BedrockRuntimeClient client, IOptions<BedrockModelOptions> options, TimeProvider time, ILogger<BedrockLanguageModel> logger, BedrockConfigurationCheck check)
    {
        _check = check;
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options.Value;
        _requests = new ConverseRequestMapper(_options);
        _time = time;
        _logger = logger;
    }

    public async Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        var body = _requests.Map(request);
        cancellationToken.ThrowIfCancellationRequested();
        using var deadline = new BedrockDeadline(_options.RequestTimeout, _time, cancellationToken);
        try
        {
            var response = await RetryAsync(t => _client.ConverseAsync(_options.ModelId, body, t), deadline).ConfigureAwait(false);
            var text = new StringBuilder();
            foreach (var block in response.Output?.Message?.Content ?? [])
            {
                text.Append(block.Text);
            }

            var usage = TokenUsage.ToModelUsage(response.Usage);
            var stopReason = response.StopReason ?? StopReasons.EndTurn;
            LogAnswered(_options.ModelId, false, usage.InputTokens, usage.OutputTokens, usage.CacheReadInputTokens, usage.CacheWriteInputTokens, stopReason, response.Metrics?.LatencyMs);
            return new ModelResponse(text.ToString(), usage, stopReason) { ModelId = _options.ModelId };
        }
        catch (OperationCanceledException e) when (deadline.Expired)
        {
            throw deadline.Timeout(e);
        }
    }

    public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) => _check.GetModelStatusAsync(cancellationToken);

    public async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var body = _requests.Map(request, streaming: true);
        cancellationToken.ThrowIfCancellationRequested();
        using var deadline = new BedrockDeadline(_options.RequestTimeout, _time, cancellationToken);
        var (session, first) = await OpenStreamAsync(body, deadline).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            for (var update = first; update is not null; update = await ReadAsync(session, deadline).ConfigureAwait(false))
            {
                if (update is ModelStreamEnd end)
                {
                    LogAnswered(_options.ModelId, true, end.Usage.InputTokens, end.Usage.OutputTokens,
                        end.Usage.CacheReadInputTokens, end.Usage.CacheWriteInputTokens, end.StopReason, session.LatencyMs);
                }

                yield return update;
            }
        }
    }

    private async Task<(ConverseStreamSession Session, ModelStreamUpdate First)> OpenStreamAsync(ConverseRequest body, BedrockDeadline deadline)
    {
        try
        {
            return await RetryAsync(
                async token =>
                {
                    var session = await _client.ConverseStreamAsync(_options.ModelId, body, token).ConfigureAwait(false);
                    try
                    {
                        var first = await session.ReadAsync(token).ConfigureAwait(false)
                            ?? throw new InvalidOperationException("A stream's first read cannot be past its end.");
                        return (session, first);
                    }
                    catch
                    {
                        await session.DisposeAsync().ConfigureAwait(false);
                        throw;
                    }
                },
                deadline).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (deadline.Expired)
        {
            throw deadline.Timeout(e);
        }
    }

    private static async ValueTask<ModelStreamUpdate?> ReadAsync(ConverseStreamSession session, BedrockDeadline deadline)
    {
        try
        {
            return await session.ReadAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (deadline.Expired)
        {
            throw deadline.Timeout(e);
        }
    }

    private async Task<T> RetryAsync<T>(Func<CancellationToken, Task<T>> operation, BedrockDeadline deadline)
    {
        for (var retry = 1; ; retry++)
        {
            ChatException failure;
            try
            {
                return await operation(deadline.Token).ConfigureAwait(false);
            }
            catch (ChatException e) when (e.IsTransient)
            {
                failure = e;
            }

            var delay = BackoffDelay(retry, failure.RetryAfter);
            if (retry > _options.MaxRetries || delay >= deadline.Remaining)
            {
                LogGivingUp(_options.ModelId, failure.Code, retry);
                ExceptionDispatchInfo.Throw(failure);
            }

            LogRetrying(_options.ModelId, failure.Code, retry, (long)delay.TotalMilliseconds);
            await Task.Delay(delay, _time, deadline.Token).ConfigureAwait(false);
        }
    }

    /// <summary>Exponential backoff with "equal jitter" (half fixed, half random), never shorter than a Retry-After.</summary>
    private TimeSpan BackoffDelay(int retry, TimeSpan? retryAfter)
    {
        var ceiling = _options.RetryBaseDelay * Math.Pow(2, Math.Min(retry - 1, 16));
#pragma warning disable CA5394 // Jitter spreads retries; it needs no cryptographic randomness.
        var delay = ceiling / 2 + ceiling / 2 * Random.Shared.NextDouble();
#pragma warning restore CA5394
        return retryAfter is { } wait && wait > delay ? wait : delay;
    }

    [LoggerMessage(1, LogLevel.Information, "Bedrock model {ModelId} answered (streamed: {Streamed}): {InputTokens} input and {OutputTokens} output tokens, " +
        "{CacheReadInputTokens} input tokens read from and {CacheWriteInputTokens} written to the prompt cache, stop reason {StopReason}, model latency {LatencyMs} ms")]
    private partial void LogAnswered(string modelId, bool streamed, int inputTokens, int outputTokens, int cacheReadInputTokens, int cacheWriteInputTokens, string stopReason, long? latencyMs);

    [LoggerMessage(2, LogLevel.Warning, "Bedrock model {ModelId} failed with {Code}; retry {Retry} in {DelayMs} ms")]
    private partial void LogRetrying(string modelId, ChatErrorCode code, int retry, long delayMs);

    [LoggerMessage(3, LogLevel.Warning, "Bedrock model {ModelId} failed with {Code}; giving up after {Attempts} attempts")]
    private partial void LogGivingUp(string modelId, ChatErrorCode code, int attempts);
}
