using ChatBedrock.Http;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// Answers a direct invocation (the seed's <c>{"input_text", "session_id"}</c>) as <c>POST /</c>: the JSON reply
/// as the invocation's result, or an invocation error carrying the error type.
/// </summary>
internal sealed class DirectInvocation(RuntimeApiClient runtime, ChatHttpHandler handler)
{
    /// <returns>True once something reached the client (an invocation error can no longer be reported).</returns>
    public async Task<bool> AnswerAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        var response = new BufferedResponse();
        var error = await handler.HandleAsync(LambdaEvents.FromDirectInvocation(invocation.Payload), response, cancellationToken).ConfigureAwait(false);
        if (error is null)
        {
            await runtime.RespondAsync(invocation.RequestId, response.Body, CancellationToken.None).ConfigureAwait(false);
        }
        else
        {
            await runtime.ReportInvocationErrorAsync(invocation.RequestId, RuntimeError.From(error), CancellationToken.None).ConfigureAwait(false);
        }

        return true;
    }
}
