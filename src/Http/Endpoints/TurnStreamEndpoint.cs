using ChatBedrock.Application;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Http.Endpoints;

/// <summary>
/// A turn as Server-Sent Events (<c>POST /</c> with <c>Accept: text/event-stream</c>), written by
/// <see cref="TurnEventStream"/> (keep-alive comments, a first-byte timeout). A client that goes away mid-answer
/// leaves what arrived stored as interrupted.
/// </summary>
internal sealed class TurnStreamEndpoint(
    ContinueConversation chat, GetServiceStatus status, TurnLimiter limiter, TimeProvider time, IOptions<ChatHttpOptions> options) : IChatEndpoint
{
    private readonly int _maxBodyBytes = options.Value.MaxRequestBodyBytes;
    private readonly TimeSpan _firstByteTimeout = options.Value.FirstByteTimeout;

    public async Task<ChatHttpError?> HandleAsync(ChatEndpointContext context)
    {
        var turn = ChatRequestReader.FromRequest(context.Request, _maxBodyBytes);
        using var slot = limiter.Enter();
        var cancellationToken = context.CancellationToken;
        try
        {
            await status.EnsureModelReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await context.WriteErrorAsync(exception).ConfigureAwait(false);
        }

        return await TurnEventStream.WriteAsync(
            context, token => chat.StreamAsync(turn, context.Exchange.ClientAborted, token), time, _firstByteTimeout).ConfigureAwait(false);
    }
}
