using ChatBedrock.Application;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Http.Endpoints;

/// <summary>
/// A turn answered whole: <c>POST /</c> with a JSON body, or <c>GET /?input_text=...</c> (the seed's API). A
/// model that is not ready refuses it (503 <c>ModelNotConfigured</c>) before anything is read or stored. The
/// model's own timeout bounds it; <see cref="ChatHttpOptions.FirstByteTimeout"/> is for event streams, whose
/// first text is what a reader waits for (a buffered answer has no first byte before its last).
/// </summary>
internal sealed class TurnEndpoint(ContinueConversation chat, GetServiceStatus status, TurnLimiter limiter, IOptions<ChatHttpOptions> options) : IChatEndpoint
{
    private readonly int _maxBodyBytes = options.Value.MaxRequestBodyBytes;

    public async Task<ChatHttpError?> HandleAsync(ChatEndpointContext context)
    {
        var turn = ChatRequestReader.FromRequest(context.Request, _maxBodyBytes);
        using var slot = limiter.Enter();
        ConversationReply reply;
        try
        {
            await status.EnsureModelReadyAsync(context.CancellationToken).ConfigureAwait(false);
            reply = await chat.ExecuteAsync(turn, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await context.WriteErrorAsync(exception).ConfigureAwait(false);
        }

        return await context.WriteJsonAsync(200, ChatJsonContext.Serialize(ChatResponseBody.From(reply), c => c.ChatResponseBody)).ConfigureAwait(false);
    }
}
