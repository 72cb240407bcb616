using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Http.Endpoints;

/// <summary><c>GET /sessions/{id}/messages</c>: the conversation so far; 404 when the session has none.</summary>
internal sealed class SessionMessagesEndpoint(ReadConversation read) : IChatEndpoint
{
    public async Task<ChatHttpError?> HandleAsync(ChatEndpointContext context)
    {
        ConversationTranscript transcript;
        try
        {
            transcript = await read.ExecuteAsync(context.Values.Decode("id", ChatErrorCode.SessionIdInvalid, "session id"), context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await context.WriteErrorAsync(exception).ConfigureAwait(false);
        }

        if (transcript.Messages.Count == 0)
        {
            return await context.WriteErrorAsync(ChatHttpError.NotFound("This session has no messages.")).ConfigureAwait(false);
        }

        var messages = transcript.Messages.Select(m => new MessageBody(ChatRoles.Name(m.Role), m.Content) { Interrupted = m.Interrupted ? true : null }).ToList();
        var body = ChatJsonContext.Serialize(new MessagesBody(transcript.SessionId.Value, messages), c => c.MessagesBody);
        return await context.WriteJsonAsync(200, body).ConfigureAwait(false);
    }
}
