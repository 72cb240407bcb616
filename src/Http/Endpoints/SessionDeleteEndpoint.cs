using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Http.Endpoints;

/// <summary><c>DELETE /sessions/{id}</c>: forgets the conversation; 204 also for a session that never was.</summary>
internal sealed class SessionDeleteEndpoint(DeleteConversation delete) : IChatEndpoint
{
    public async Task<ChatHttpError?> HandleAsync(ChatEndpointContext context)
    {
        try
        {
            await delete.ExecuteAsync(context.Values.Decode("id", ChatErrorCode.SessionIdInvalid, "session id"), context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await context.WriteErrorAsync(exception).ConfigureAwait(false);
        }

        return await context.WriteNoContentAsync().ConfigureAwait(false);
    }
}
