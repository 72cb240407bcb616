using ChatBedrock.Domain;

namespace ChatBedrock.Application;

/// <summary>The use case: forget a session's conversation. Deleting an unknown session is not an error.</summary>
public sealed class DeleteConversation(IConversationRepository repository)
{
    /// <summary>Deletes the session <paramref name="sessionId"/> (as the client sent it); an invalid id is <see cref="ChatErrorCode.SessionIdInvalid"/>.</summary>
    public Task ExecuteAsync(string sessionId, CancellationToken cancellationToken) =>
        repository.DeleteAsync(SessionId.Parse(sessionId), cancellationToken);
}
