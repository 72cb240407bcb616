using ChatBedrock.Application;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Http.Endpoints;

/// <summary>
/// A turn as Server-Sent Events (<c>POST /</c> with <c>Accept: text/event-stream</c>): <c>start</c> with the
/// session id, <c>delta</c>s, then <c>done</c> with the stored reply, or <c>error</c>. Whatever fails before the
/// first text (input, session id, history, a throttled or unready model) still gets an ordinary status;
/// afterwards the stream is committed to 200 and ends with its <c>error</c> event.
/// </summary>
internal sealed class TurnStreamEndpoint(ContinueConversation chat, GetServiceStatus status, IOptions<ChatHttpOptions> options) : IChatEndpoint
{
    private readonly int _maxBodyBytes = options.Value.MaxRequestBodyBytes;

    public async Task<ChatHttpError?> HandleAsync(ChatEndpointContext context)
    {
        var turn = ChatRequestReader.FromRequest(context.Request, _maxBodyBytes);
        var cancellationToken = context.CancellationToken;
        try
        {
            await status.EnsureModelReadyAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await context.WriteErrorAsync(exception).ConfigureAwait(false);
        }

        var writer = context.Writer;
        var exchange = context.Exchange;
        var updates = chat.StreamAsync(turn, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (updates.ConfigureAwait(false))
        {
            var error = await NextAsync(updates, writer, cancellationToken).ConfigureAwait(false);
            var sessionId = (updates.Current as ConversationStarted)?.SessionId.Value;
            if (error is null)
            {
                error = await NextAsync(updates, writer, cancellationToken).ConfigureAwait(false);
            }

            if (error is not null)
            {
                return await context.WriteErrorAsync(error).ConfigureAwait(false);
            }

            await writer.StartEventStreamAsync(exchange).ConfigureAwait(false);
            try
            {
                await ChatResponseWriter.WriteEventAsync(exchange, "start", ChatJsonContext.Serialize(new StartEventBody(sessionId!), c => c.StartEventBody)).ConfigureAwait(false);
                while (error is null)
                {
                    switch (updates.Current)
                    {
                        case ConversationDelta delta:
                            await ChatResponseWriter.WriteEventAsync(exchange, "delta", ChatJsonContext.Serialize(new DeltaEventBody(delta.Text), c => c.DeltaEventBody)).ConfigureAwait(false);
                            break;
                        case ConversationCompleted completed:
                            await ChatResponseWriter.WriteEventAsync(exchange, "done", ChatJsonContext.Serialize(ChatResponseBody.From(completed.Reply), c => c.ChatResponseBody)).ConfigureAwait(false);
                            writer.LogStreamCompleted(exchange);
                            return null;
                    }

                    error = await NextAsync(updates, writer, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException exception) when (cancellationToken.IsCancellationRequested)
            {
                // The deadline (Lambda's token) passed between an update and its write: still a timeout the
                // client learns about, not an exception escaping a committed 200.
                error = writer.Map(exception, cancellationToken);
            }

            return await writer.WriteErrorEventAsync(exchange, error).ConfigureAwait(false);
        }
    }

    /// <summary>Moves to the next update; a failure is mapped, and so is an end without a completed turn.</summary>
    private static async Task<ChatHttpError?> NextAsync(IAsyncEnumerator<ConversationUpdate> updates, ChatResponseWriter writer, CancellationToken cancellationToken)
    {
        try
        {
            return await updates.MoveNextAsync().ConfigureAwait(false) ? null : ChatHttpError.Internal();
        }
        catch (Exception exception)
        {
            return writer.Map(exception, cancellationToken);
        }
    }
}
