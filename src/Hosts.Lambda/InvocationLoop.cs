using ChatBedrock.Http;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// The Runtime API loop: take an event from <c>/next</c>, stamp its request and trace ids, give it a deadline,
/// hand it to the Function URL or the direct invocation, repeat. No failure of one invocation ends the loop;
/// only losing the Runtime API does (Lambda then starts a new environment).
/// The handlers are composed once the first <c>/next</c> is on the wire (<see cref="LambdaHost"/>) and awaited when
/// the first event arrives. If composing them failed, that event gets an <c>InitializationFailed</c> invocation
/// error (the init phase is over) and the process exits 1, so Lambda starts a new environment.
/// </summary>
internal sealed partial class InvocationLoop(
    RuntimeApiClient runtime,
    Task<InvocationHandlers> handlers,
    JsonLinesLoggerProvider logs,
    LambdaHostOptions options,
    ILogger logger)
{
    /// <summary>Runs until <paramref name="stoppingToken"/> fires (0) or <c>/next</c> fails or the composition failed (1); returns the exit code.</summary>
    public async Task<int> RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Invocation invocation;
            try
            {
                invocation = await runtime.NextAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception problem) when (problem is HttpRequestException or RuntimeApiException)
            {
                // Without the Runtime API no event can come: exit, and Lambda starts a new environment.
                LogNextFailed(problem);
                return 1;
            }

            InvocationHandlers ready;
            try
            {
                ready = await handlers.ConfigureAwait(false);
            }
            catch (Exception problem)
            {
                LogCompositionFailed(problem);
                await ReportAsync(invocation.RequestId, new RuntimeError(LambdaHost.InitializationFailedType, problem.Message, [])).ConfigureAwait(false);
                return 1;
            }

            await InvokeAsync(invocation, ready, stoppingToken).ConfigureAwait(false);
        }

        return 0;
    }

    private async Task InvokeAsync(Invocation invocation, InvocationHandlers ready, CancellationToken stoppingToken)
    {
        logs.RequestId = invocation.RequestId;
        Environment.SetEnvironmentVariable("_X_AMZN_TRACE_ID", invocation.TraceId);
        var started = options.Time.GetTimestamp();
        using var deadline = DeadlineSource(invocation, stoppingToken);
        var answered = false;
        try
        {
            var isHttp = LambdaEvents.IsHttpEvent(invocation.Payload);
            answered = isHttp
                ? await ready.FunctionUrl.AnswerAsync(invocation, deadline.Token).ConfigureAwait(false)
                : await ready.Direct.AnswerAsync(invocation, deadline.Token).ConfigureAwait(false);
            LogInvoked(isHttp ? "function-url" : "direct", options.Time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception problem)
        {
            LogInvocationFailed(problem);
            if (!answered)
            {
                // A cancellation the deadline caused is a timeout, not an internal error.
                await ReportAsync(invocation.RequestId, RuntimeError.From(ChatHttpError.From(problem, deadline.Token))).ConfigureAwait(false);
            }
        }
        finally
        {
            logs.RequestId = null;
        }
    }

    private async Task ReportAsync(string requestId, RuntimeError error)
    {
        try
        {
            await runtime.ReportInvocationErrorAsync(requestId, error, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception problem) when (problem is HttpRequestException or RuntimeApiException)
        {
            LambdaHost.LogReportFailed(logger, problem);
        }
    }

    private CancellationTokenSource DeadlineSource(Invocation invocation, CancellationToken stoppingToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        if (invocation.Deadline is { } deadline)
        {
            var remaining = deadline - options.Time.GetUtcNow() - options.DeadlineMargin;
            source.CancelAfter(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
        }

        return source;
    }

    // Debug: the HTTP surface's line ("GET / answered 200") is the one Information line of an invocation, and
    // Lambda's own REPORT line has the duration.
    [LoggerMessage(2, LogLevel.Debug, "Invocation ({Kind}) done in {ElapsedMilliseconds} ms")]
    private partial void LogInvoked(string kind, double elapsedMilliseconds);

    [LoggerMessage(3, LogLevel.Error, "Invocation failed in the host")]
    private partial void LogInvocationFailed(Exception exception);

    [LoggerMessage(8, LogLevel.Critical, "The services could not be composed; exiting")]
    private partial void LogCompositionFailed(Exception exception);

    [LoggerMessage(4, LogLevel.Critical, "The Runtime API's next event could not be read; exiting")]
    private partial void LogNextFailed(Exception exception);
}

/// <summary>What answers each kind of event.</summary>
internal sealed record InvocationHandlers(FunctionUrlInvocation FunctionUrl, DirectInvocation Direct);
