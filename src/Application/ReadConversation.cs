using ChatBedrock.Domain;

namespace ChatBedrock.Application;

/// <summary>
/// One page of a session's conversation as its owner sees it: the user's and the assistant's messages, oldest
/// first, each with its cursor; <see cref="Next"/> continues with older messages (null: there are none).
/// </summary>
public sealed record ConversationTranscript(SessionId SessionId, IReadOnlyList<PagedMessage> Page, string? Next)
{
    /// <summary>The page's messages, oldest first.</summary>
    public IReadOnlyList<ChatMessage> Messages => [.. Page.Select(m => m.Message)];
}

/// <summary>
/// The use case: read a session's conversation a page at a time, newest page first, so a read costs the same
/// however long the conversation grew. An unknown session has no messages.
/// </summary>
public sealed class ReadConversation(IConversationRepository repository)
{
    /// <summary>The newest page (<see cref="PageCursor.DefaultLimit"/> messages) of the session <paramref name="sessionId"/>.</summary>
    public Task<ConversationTranscript> ExecuteAsync(string sessionId, CancellationToken cancellationToken) =>
        ExecuteAsync(sessionId, null, null, cancellationToken);

    /// <summary>
    /// Reads up to <paramref name="limit"/> messages (default <see cref="PageCursor.DefaultLimit"/>, at most
    /// <see cref="PageCursor.MaxLimit"/>) before <paramref name="cursor"/> (null: the newest). An invalid id is
    /// <see cref="ChatErrorCode.SessionIdInvalid"/>, a bad limit <see cref="ChatErrorCode.LimitInvalid"/>, a
    /// cursor no page handed out <see cref="ChatErrorCode.CursorInvalid"/>.
    /// </summary>
    public async Task<ConversationTranscript> ExecuteAsync(string sessionId, int? limit, string? cursor, CancellationToken cancellationToken)
    {
        var id = SessionId.Parse(sessionId);
        var size = PageCursor.ValidateLimit(limit ?? PageCursor.DefaultLimit);
        PageCursor.Parse(cursor);
        var page = await repository.LoadPageAsync(id, size, cursor, cancellationToken).ConfigureAwait(false);
        // The system prompt is configuration, not part of what was said: a page may show fewer than it read.
        return new ConversationTranscript(id, [.. page.Messages.Where(m => m.Message.Role != ChatRole.System)], page.Next);
    }
}
