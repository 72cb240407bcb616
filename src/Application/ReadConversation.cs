using ChatBedrock.Domain;

namespace ChatBedrock.Application;

/// <summary>A session's conversation as its owner sees it: the user's and the assistant's messages, oldest first.</summary>
public sealed record ConversationTranscript(SessionId SessionId, IReadOnlyList<ChatMessage> Messages);

/// <summary>The use case: read a session's whole conversation. An unknown session has no messages.</summary>
public sealed class ReadConversation(IConversationRepository repository)
{
    /// <summary>Reads the session <paramref name="sessionId"/> (as the client sent it); an invalid id is <see cref="ChatErrorCode.SessionIdInvalid"/>.</summary>
    public async Task<ConversationTranscript> ExecuteAsync(string sessionId, CancellationToken cancellationToken)
    {
        var id = SessionId.Parse(sessionId);
        var messages = await repository.LoadAsync(id, newestLimit: null, cancellationToken).ConfigureAwait(false);
        // The system prompt is configuration, not part of what was said.
        return new ConversationTranscript(id, [.. messages.Where(m => m.Role != ChatRole.System)]);
    }
}
