using ChatBedrock.Domain;

namespace ChatBedrock.Application;

/// <summary>Where conversations are kept: the port every store implements.</summary>
public interface IConversationRepository
{
    /// <summary>The store's short, lower-case name as <c>GET /status</c> reports it: <c>memory</c>, <c>sqlite</c>, <c>dynamodb</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Loads a session's messages, oldest first; an unknown session has none. With <paramref name="newestLimit"/>
    /// the store may return only the newest messages (at least that many when it has them, keeping turns whole),
    /// so reading cost need not grow with the conversation.
    /// </summary>
    Task<IReadOnlyList<ChatMessage>> LoadAsync(SessionId sessionId, int? newestLimit, CancellationToken cancellationToken);

    /// <summary>
    /// Loads one page: the newest <paramref name="limit"/> messages (at most) before <paramref name="cursor"/>
    /// (null: the newest), oldest first, each with its cursor, and where the older messages continue. A store
    /// reads only that page; a cursor it did not hand out is <see cref="ChatErrorCode.CursorInvalid"/>. The
    /// default reads the whole history and slices it: only for stores that hold it in one piece anyway.
    /// </summary>
    async Task<ConversationPage> LoadPageAsync(SessionId sessionId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        PageCursor.ValidateLimit(limit);
        PageCursor.Parse(cursor); // refused before any read
        return PageCursor.Slice(await LoadAsync(sessionId, null, cancellationToken).ConfigureAwait(false), limit, cursor);
    }

    /// <summary>Appends one completed turn atomically: both messages or neither, adjacent, after every earlier turn.</summary>
    Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the session's last turn with <paramref name="replacement"/> atomically, only while that last turn is
    /// still <paramref name="expectedLast"/> (same roles and texts): a turn appended or replaced meanwhile makes it
    /// return false and change nothing, so a regenerate never overwrites an answer it did not see.
    /// </summary>
    Task<bool> ReplaceLastTurnAsync(SessionId sessionId, ChatTurn expectedLast, ChatTurn replacement, CancellationToken cancellationToken);

    /// <summary>Deletes a session's messages. Deleting an unknown session is not an error.</summary>
    Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// The session's summary memory (<see cref="ConversationSummary"/>), or null when it has none. Every
    /// ChatBedrock store keeps summaries; the default, for other stores, has none.
    /// </summary>
    Task<ConversationSummary?> LoadSummaryAsync(SessionId sessionId, CancellationToken cancellationToken) =>
        Task.FromResult<ConversationSummary?>(null);

    /// <summary>
    /// Stores the session's summary, replacing any earlier one; <see cref="DeleteAsync"/> removes it with the
    /// messages. The default, for stores that keep no summaries, refuses with <see cref="NotSupportedException"/>.
    /// </summary>
    Task SaveSummaryAsync(SessionId sessionId, ConversationSummary summary, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The store {Name} keeps no conversation summaries.");
}
