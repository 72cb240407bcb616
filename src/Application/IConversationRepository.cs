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

    /// <summary>Appends one completed turn atomically: both messages or neither, adjacent, after every earlier turn.</summary>
    Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken);

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
