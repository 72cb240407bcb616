using System.Collections.Concurrent;
using ChatBedrock.Domain;

namespace ChatBedrock.Application.InMemory;

/// <summary>A thread-safe, process-local store: for tests and hosts that want no persistence.</summary>
internal sealed class InMemoryConversationRepository : IConversationRepository
{
    private readonly ConcurrentDictionary<string, List<ChatMessage>> _sessions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConversationSummary> _summaries = new(StringComparer.Ordinal);

    public string Name => "memory";

    public Task<IReadOnlyList<ChatMessage>> LoadAsync(SessionId sessionId, int? newestLimit, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_sessions.TryGetValue(sessionId.Value, out var messages))
        {
            return Task.FromResult<IReadOnlyList<ChatMessage>>([]);
        }

        lock (messages)
        {
            var skip = newestLimit is { } limit ? Math.Max(0, messages.Count - limit) : 0;
            return Task.FromResult<IReadOnlyList<ChatMessage>>(messages.GetRange(skip, messages.Count - skip));
        }
    }

    public Task<ConversationPage> LoadPageAsync(SessionId sessionId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        PageCursor.ValidateLimit(limit);
        PageCursor.Parse(cursor);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_sessions.TryGetValue(sessionId.Value, out var messages))
        {
            return Task.FromResult(ConversationPage.Empty);
        }

        lock (messages)
        {
            return Task.FromResult(PageCursor.Slice(messages, limit, cursor));
        }
    }

    public Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        cancellationToken.ThrowIfCancellationRequested();
        while (true)
        {
            var messages = _sessions.GetOrAdd(sessionId.Value, static _ => []);
            lock (messages)
            {
                // A concurrent delete may have removed this list; only append to the live one.
                if (_sessions.TryGetValue(sessionId.Value, out var live) && ReferenceEquals(live, messages))
                {
                    messages.Add(turn.User);
                    messages.Add(turn.Assistant);
                    return Task.CompletedTask;
                }
            }
        }
    }

    public Task<bool> ReplaceLastTurnAsync(SessionId sessionId, ChatTurn expectedLast, ChatTurn replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expectedLast);
        ArgumentNullException.ThrowIfNull(replacement);
        cancellationToken.ThrowIfCancellationRequested();
        if (!_sessions.TryGetValue(sessionId.Value, out var messages))
        {
            return Task.FromResult(false);
        }

        lock (messages)
        {
            var count = messages.Count;
            if (count < 2 || messages[count - 2].Role != ChatRole.User || messages[count - 1].Role != ChatRole.Assistant
                || !new ChatTurn(messages[count - 2], messages[count - 1]).SameTextAs(expectedLast))
            {
                return Task.FromResult(false);
            }

            messages[count - 2] = replacement.User;
            messages[count - 1] = replacement.Assistant;
            return Task.FromResult(true);
        }
    }

    public Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _summaries.TryRemove(sessionId.Value, out _);
        if (_sessions.TryRemove(sessionId.Value, out var messages))
        {
            lock (messages)
            {
                messages.Clear();
            }
        }

        return Task.CompletedTask;
    }

    public Task<ConversationSummary?> LoadSummaryAsync(SessionId sessionId, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(_summaries.TryGetValue(sessionId.Value, out var summary) ? summary : null);
    }

    public Task SaveSummaryAsync(SessionId sessionId, ConversationSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        cancellationToken.ThrowIfCancellationRequested();
        _summaries[sessionId.Value] = summary;
        return Task.CompletedTask;
    }
}
