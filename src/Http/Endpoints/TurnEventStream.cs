using System.Globalization;
using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Http.Endpoints;

/// <summary>
/// Writes a streamed turn (<see cref="TurnStreamEndpoint"/>, <see cref="LastTurnEndpoint"/>) as Server-Sent Events:
/// <c>start</c> with the session id, <c>delta</c>s, then <c>done</c> with the stored reply, or <c>error</c>. Whatever
/// fails before the first text (input, session id, history, a throttled or unready model) still gets an ordinary
/// status, unless the model stays silent past <see cref="KeepAliveInterval"/>: then the stream is committed to 200 to
/// send <c>: keep-alive</c> comments, one per interval of silence, and a later failure travels as its <c>error</c>
/// event. No first text within <see cref="ChatHttpOptions.FirstByteTimeout"/> is a 504 <c>ModelTimeout</c>.
/// </summary>
internal static class TurnEventStream
{
    /// <summary>Common proxies cut a stream idle for 60 s; a comment this often keeps it alive.</summary>
    internal static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <param name="context">The request being answered.</param>
    /// <param name="turn">Starts the turn with the token that stops it (the deadline, or no first text in time).</param>
    /// <param name="time">The clock of the keep-alive and first-byte timers.</param>
    /// <param name="firstByteTimeout">How long the model may stay silent before its first text.</param>
    public static async Task<ChatHttpError?> WriteAsync(
        ChatEndpointContext context, Func<CancellationToken, IAsyncEnumerable<ConversationUpdate>> turn, TimeProvider time, TimeSpan firstByteTimeout)
    {
        var cancellationToken = context.CancellationToken;
        using var firstByte = new CancellationTokenSource(firstByteTimeout, time);
        using var turnCancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, firstByte.Token);
        var stream = new Stream(context, turnCancellation, firstByte, firstByteTimeout, time);
        var updates = turn(turnCancellation.Token).GetAsyncEnumerator(turnCancellation.Token);
        await using (updates.ConfigureAwait(false))
        {
            var error = await stream.NextAsync(updates, keepAlive: null).ConfigureAwait(false);
            var sessionId = (updates.Current as ConversationStarted)?.SessionId.Value;
            if (error is null)
            {
                error = await stream.NextAsync(updates, () => stream.StartAsync(sessionId!)).ConfigureAwait(false);
            }

            if (error is not null && !stream.Started)
            {
                return await context.WriteErrorAsync(error).ConfigureAwait(false);
            }

            try
            {
                await stream.StartAsync(sessionId!).ConfigureAwait(false);
                while (error is null)
                {
                    switch (updates.Current)
                    {
                        case ConversationDelta delta:
                            firstByte.CancelAfter(Timeout.InfiniteTimeSpan);
                            await ChatResponseWriter.WriteEventAsync(context.Exchange, "delta", ChatJsonContext.Serialize(new DeltaEventBody(delta.Text), c => c.DeltaEventBody)).ConfigureAwait(false);
                            break;
                        case ConversationCompleted completed:
                            await ChatResponseWriter.WriteEventAsync(context.Exchange, "done", ChatJsonContext.Serialize(ChatResponseBody.From(completed.Reply), c => c.ChatResponseBody)).ConfigureAwait(false);
                            context.Writer.LogStreamCompleted(context.Exchange);
                            return null;
                    }

                    error = await stream.NextAsync(updates, () => stream.StartAsync(sessionId!)).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException exception) when (cancellationToken.IsCancellationRequested)
            {
                // The deadline (Lambda's token) passed between an update and its write: still a timeout the
                // client learns about, not an exception escaping a committed 200.
                error = context.Writer.Map(exception, cancellationToken);
            }

            return await context.Writer.WriteErrorEventAsync(context.Exchange, error).ConfigureAwait(false);
        }
    }

    /// <summary>One event stream being written: whether it started, and the waits for the model between its events.</summary>
    private sealed class Stream(
        ChatEndpointContext context, CancellationTokenSource turnCancellation, CancellationTokenSource firstByte, TimeSpan firstByteTimeout, TimeProvider time)
    {
        private readonly CancellationToken _deadline = context.CancellationToken;

        public bool Started { get; private set; }

        /// <summary>Commits the answer to 200 and sends <c>start</c>, once.</summary>
        public async Task StartAsync(string sessionId)
        {
            if (Started)
            {
                return;
            }

            Started = true;
            await context.Writer.StartEventStreamAsync(context.Exchange).ConfigureAwait(false);
            await ChatResponseWriter.WriteEventAsync(context.Exchange, "start", ChatJsonContext.Serialize(new StartEventBody(sessionId), c => c.StartEventBody)).ConfigureAwait(false);
        }

        /// <summary>
        /// Moves to the next update; a failure is mapped, and so is an end without a completed turn. While the model is
        /// silent, <paramref name="keepAlive"/> (when given) runs before each <c>: keep-alive</c> comment.
        /// </summary>
        public async Task<ChatHttpError?> NextAsync(IAsyncEnumerator<ConversationUpdate> updates, Func<Task>? keepAlive)
        {
            var move = updates.MoveNextAsync().AsTask();
            try
            {
                while (keepAlive is not null && !move.IsCompleted)
                {
                    using var tick = new CancellationTokenSource();
                    var silence = Task.Delay(KeepAliveInterval, time, tick.Token);
                    if (await Task.WhenAny(move, silence).ConfigureAwait(false) == move)
                    {
                        await tick.CancelAsync().ConfigureAwait(false);
                        break;
                    }

                    await keepAlive().ConfigureAwait(false);
                    await context.Exchange.Response.WriteAsync(ServerSentEvents.KeepAlive, _deadline).ConfigureAwait(false);
                }
            }
            catch
            {
                // The client cannot be written to: stop the model and let the turn end before the enumerator is disposed.
                await turnCancellation.CancelAsync().ConfigureAwait(false);
                await move.ContinueWith(static _ => { }, TaskScheduler.Default).ConfigureAwait(false);
                throw;
            }

            try
            {
                return await move.ConfigureAwait(false) ? null : ChatHttpError.Internal();
            }
            catch (Exception) when (firstByte.IsCancellationRequested && !_deadline.IsCancellationRequested)
            {
                return new ChatHttpError(504, nameof(ChatErrorCode.ModelTimeout), string.Create(
                    CultureInfo.InvariantCulture, $"The model sent nothing within {firstByteTimeout.TotalSeconds:0.###} seconds."));
            }
            catch (Exception exception)
            {
                return context.Writer.Map(exception, _deadline);
            }
        }
    }
}
