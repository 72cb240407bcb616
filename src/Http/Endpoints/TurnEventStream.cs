using ChatBedrock.Application;

namespace ChatBedrock.Http.Endpoints;

/// <summary>
/// Writes a streamed turn (<see cref="TurnStreamEndpoint"/>, <see cref="LastTurnEndpoint"/>) as Server-Sent Events:
/// <c>start</c> with the session id, <c>delta</c>s, then <c>done</c> with the stored reply, or <c>error</c>. Whatever
/// fails before the first text still gets an ordinary status; afterwards the stream is committed to 200 and ends with
/// its <c>error</c> event.
/// </summary>
internal static class TurnEventStream
{
    public static async Task<ChatHttpError?> WriteAsync(ChatEndpointContext context, IAsyncEnumerable<ConversationUpdate> stream)
    {
        var cancellationToken = context.CancellationToken;
        var writer = context.Writer;
        var exchange = context.Exchange;
        var updates = stream.GetAsyncEnumerator(cancellationToken);
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
