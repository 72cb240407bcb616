using System.Runtime.CompilerServices;
using ChatBedrock.Domain;

namespace ChatBedrock.Application;

/// <summary>
/// A streamed turn's shared core (<see cref="ContinueConversation"/>, <see cref="RedoLastTurn"/>): hands the
/// model's deltas on, then stores the whole answer. When the client goes away (<c>clientGone</c>, not the deadline,
/// not a model error) after at least one delta, what had arrived is stored as an interrupted answer, so the next
/// turn goes on from it; with no delta nothing is stored.
/// </summary>
internal static class StreamedTurn
{
    /// <summary>Stores an answer (<paramref name="interrupted"/>: cut short by the client) and returns the reply.</summary>
    public delegate Task<ConversationReply> Store(ModelResponse response, bool interrupted, CancellationToken cancellationToken);

    public static async IAsyncEnumerable<ConversationUpdate> RunAsync(
        ILanguageModel model,
        ModelRequest request,
        Store store,
        Action<Exception> partialNotStored,
        CancellationToken clientGone,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var answer = new ModelResponseBuilder();
        var stream = model.StreamAsync(request, cancellationToken).GetAsyncEnumerator(cancellationToken);
        var ended = false;
        var failed = false;
        var received = false;
        try
        {
            while (true)
            {
                bool more;
                try
                {
                    more = await stream.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    failed = true;
                    throw;
                }

                if (!more)
                {
                    break;
                }

                answer.Add(stream.Current);
                if (stream.Current is ModelTextDelta delta)
                {
                    received |= delta.Text.Length > 0;
                    yield return new ConversationDelta(delta.Text);
                }
            }

            ended = true;
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);

            // Also reached when the caller stops reading (a write to a closed connection failed): the iterator is disposed.
            if (!ended && !failed && received && clientGone.IsCancellationRequested)
            {
                try
                {
                    // The request's token is cancelled by now; the store's own timeouts bound this write.
                    var partial = new ModelResponse(answer.TextSoFar, default, StopReasons.Interrupted);
                    await store(partial, true, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is ChatException or OperationCanceledException)
                {
                    partialNotStored(exception);
                }
            }
        }

        var reply = await store(answer.Build(), false, cancellationToken).ConfigureAwait(false);
        yield return new ConversationCompleted(reply);
    }
}
