using System.Diagnostics;
using ChatBedrock.Domain;

namespace ChatBedrock.Application.Telemetry;

/// <summary>
/// Traces and measures every call of the store it wraps as the OpenTelemetry database conventions say: a client
/// span <c>{operation} {store}</c> with <c>db.system.name</c> and <c>db.operation.name</c>, and the
/// <c>db.client.operation.duration</c> histogram. Never records the session id (it opens the conversation).
/// </summary>
public sealed class TelemetryConversationRepository : IConversationRepository
{
    private readonly IConversationRepository _inner;
    private readonly TimeProvider _time;
    private readonly string _system;

    public TelemetryConversationRepository(IConversationRepository innerRepository, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(innerRepository);
        _inner = innerRepository;
        _time = time ?? TimeProvider.System;
        _system = SystemName(innerRepository.Name);
    }

    /// <inheritdoc />
    public string Name => _inner.Name;

    /// <summary>The conventions' <c>db.system.name</c> of a store's <see cref="IConversationRepository.Name"/>: <c>dynamodb</c> is <c>aws.dynamodb</c>.</summary>
    public static string SystemName(string storeName) =>
        string.Equals(storeName, "dynamodb", StringComparison.OrdinalIgnoreCase) ? "aws.dynamodb" : storeName;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ChatMessage>> LoadAsync(SessionId sessionId, int? newestLimit, CancellationToken cancellationToken)
    {
        var (activity, tags, started) = Start("load");
        try
        {
            var messages = await _inner.LoadAsync(sessionId, newestLimit, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("db.response.returned_rows", messages.Count);
            End(activity, tags, started, null);
            return messages;
        }
        catch (Exception e)
        {
            End(activity, tags, started, e);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken)
    {
        var (activity, tags, started) = Start("append_turn");
        try
        {
            await _inner.AppendTurnAsync(sessionId, turn, cancellationToken).ConfigureAwait(false);
            End(activity, tags, started, null);
        }
        catch (Exception e)
        {
            End(activity, tags, started, e);
            throw;
        }
    }

    /// <inheritdoc />
    public Task<ConversationPage> LoadPageAsync(SessionId sessionId, int limit, string? cursor, CancellationToken cancellationToken) =>
        TraceAsync("load_page", () => _inner.LoadPageAsync(sessionId, limit, cursor, cancellationToken));

    /// <inheritdoc />
    public Task<bool> ReplaceLastTurnAsync(SessionId sessionId, ChatTurn expectedLast, ChatTurn replacement, CancellationToken cancellationToken) =>
        TraceAsync("replace_last_turn", () => _inner.ReplaceLastTurnAsync(sessionId, expectedLast, replacement, cancellationToken));

    /// <inheritdoc />
    public Task<ConversationSummary?> LoadSummaryAsync(SessionId sessionId, CancellationToken cancellationToken) =>
        TraceAsync("load_summary", () => _inner.LoadSummaryAsync(sessionId, cancellationToken));

    /// <inheritdoc />
    public Task SaveSummaryAsync(SessionId sessionId, ConversationSummary summary, CancellationToken cancellationToken) =>
        TraceAsync("save_summary", async () =>
        {
            await _inner.SaveSummaryAsync(sessionId, summary, cancellationToken).ConfigureAwait(false);
            return true;
        });

    private async Task<T> TraceAsync<T>(string operation, Func<Task<T>> call)
    {
        var (activity, tags, started) = Start(operation);
        try
        {
            var result = await call().ConfigureAwait(false);
            End(activity, tags, started, null);
            return result;
        }
        catch (Exception e)
        {
            End(activity, tags, started, e);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken)
    {
        var (activity, tags, started) = Start("delete");
        try
        {
            await _inner.DeleteAsync(sessionId, cancellationToken).ConfigureAwait(false);
            End(activity, tags, started, null);
        }
        catch (Exception e)
        {
            End(activity, tags, started, e);
            throw;
        }
    }

    private (Activity? Activity, TagList Tags, long Started) Start(string operation)
    {
        var tags = new TagList { { "db.system.name", _system }, { "db.operation.name", operation } };
        var activity = ChatBedrockTelemetry.Source.StartActivity($"{operation} {_system}", ActivityKind.Client, default(ActivityContext), tags);
        return (activity, tags, _time.GetTimestamp());
    }

    private void End(Activity? activity, TagList tags, long started, Exception? failure)
    {
        if (failure is not null)
        {
            var errorType = ChatBedrockTelemetry.ErrorType(failure);
            ChatBedrockTelemetry.Fail(activity, errorType);
            tags.Add("error.type", errorType);
        }

        ChatBedrockTelemetry.StoreDuration.Record(_time.GetElapsedTime(started).TotalSeconds, tags);
        activity?.Dispose();
    }
}
