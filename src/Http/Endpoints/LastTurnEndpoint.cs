using ChatBedrock.Domain;
using ChatBedrock.Application;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Http.Endpoints;

/// <summary>
/// <c>POST /sessions/{id}/turns/last</c> with <c>{}</c> (regenerate the last answer) or <c>{"input_text": "..."}</c>
/// (edit the last question and answer it again): the new turn replaces the last one. Answered whole as JSON, or as
/// Server-Sent Events with <c>Accept: text/event-stream</c>, like <c>POST /</c>. 404 <c>SessionNotFound</c> without a
/// turn, 409 <c>TurnChanged</c> when another turn arrived meanwhile.
/// </summary>
internal sealed class LastTurnEndpoint(
    RedoLastTurn redo, GetServiceStatus status, TurnLimiter limiter, TimeProvider time, IOptions<ChatHttpOptions> options) : IChatEndpoint
{
    private readonly int _maxBodyBytes = options.Value.MaxRequestBodyBytes;
    private readonly TimeSpan _firstByteTimeout = options.Value.FirstByteTimeout;

    public async Task<ChatHttpError?> HandleAsync(ChatEndpointContext context)
    {
        var body = ChatRequestReader.FromRequest(context.Request, _maxBodyBytes);
        var request = new RedoRequest(context.Values.Decode("id", ChatErrorCode.SessionIdInvalid, "session id"), body.InputText);
        using var slot = limiter.Enter();
        var cancellationToken = context.CancellationToken;
        ConversationReply reply;
        try
        {
            await status.EnsureModelReadyAsync(cancellationToken).ConfigureAwait(false);
            if (ChatRoutes.WantsEventStream(context.Request))
            {
                return await TurnEventStream.WriteAsync(
                    context, token => redo.StreamAsync(request, context.Exchange.ClientAborted, token), time, _firstByteTimeout).ConfigureAwait(false);
            }

            reply = await redo.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await context.WriteErrorAsync(exception).ConfigureAwait(false);
        }

        return await context.WriteJsonAsync(200, ChatJsonContext.Serialize(ChatResponseBody.From(reply), c => c.ChatResponseBody)).ConfigureAwait(false);
    }
}
