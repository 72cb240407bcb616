using System.Text.Json;
using ChatBedrock.Domain;
using ChatBedrock.Http;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// Answers a Function URL event through the shared HTTP surface: buffered (one payload-2.0 response), or
/// streamed when <c>CHAT_STREAMING=true</c>, where a failure after the status is sent travels in the trailers.
/// </summary>
internal sealed partial class FunctionUrlInvocation(RuntimeApiClient runtime, ChatHttpHandler handler, bool streaming, ILogger<FunctionUrlInvocation> logger)
{
    /// <returns>True once something reached the client (an invocation error can no longer be reported).</returns>
    public async Task<bool> AnswerAsync(Invocation invocation, CancellationToken cancellationToken)
    {
        // An event that cannot be read is answered through the surface's error mapping, with what could be read of it.
        ChatHttpRequest? request = null;
        ChatException? malformed = null;
        try
        {
            request = LambdaEvents.FromFunctionUrl(invocation.Payload);
        }
        catch (ChatException problem)
        {
            malformed = problem;
        }

        if (!streaming)
        {
            var buffered = new BufferedResponse();
            await HandleAsync(request, malformed, invocation, buffered, cancellationToken).ConfigureAwait(false);
            var payload = JsonSerializer.SerializeToUtf8Bytes(buffered.ToFunctionUrlResponse(), LambdaJsonContext.Default.FunctionUrlResponse);
            await runtime.RespondAsync(invocation.RequestId, payload, CancellationToken.None).ConfigureAwait(false);
            return true;
        }

        var stream = runtime.StreamResponse(invocation.RequestId);
        await using (stream.ConfigureAwait(false))
        {
            ChatHttpError? error;
            try
            {
                error = await HandleAsync(request, malformed, invocation, stream, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception problem) when (stream.StatusCode is not null)
            {
                // The status is gone already: the failure can only travel in the trailers.
                LogFailedAfterStatus(problem);
                await stream.CompleteAsync(RuntimeError.From(ChatHttpError.From(problem, cancellationToken)), CancellationToken.None).ConfigureAwait(false);
                return true;
            }

            // An error after a 2xx start (an event stream's error event) is reported in the trailers too.
            var failedMidStream = error is not null && stream.StatusCode is >= 200 and < 300;
            await stream.CompleteAsync(failedMidStream ? RuntimeError.From(error!) : null, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
    }

    /// <summary>Answers the request, or, for an event that could not be read, its error with what could be read of it (its Origin too).</summary>
    private async Task<ChatHttpError?> HandleAsync(
        ChatHttpRequest? request, ChatException? malformed, Invocation invocation, IChatHttpResponse response, CancellationToken cancellationToken)
    {
        if (request is not null)
        {
            return await handler.HandleAsync(request, response, cancellationToken).ConfigureAwait(false);
        }

        var (method, path, headers) = LambdaEvents.ReadableParts(invocation.Payload);
        return await handler.HandleUnreadableAsync(method, path, headers, malformed!, response, cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(3, LogLevel.Error, "Invocation failed in the host")]
    private partial void LogFailedAfterStatus(Exception exception);
}
