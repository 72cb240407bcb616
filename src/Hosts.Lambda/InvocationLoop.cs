using ChatBedrock.Http;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// The Runtime API loop: take an event from <c>/next</c>, stamp its request and trace ids, give it a deadline,
/// hand it to the Function URL or the direct invocation, repeat. No failure of one invocation ends the loop;
/// only losing the Runtime API does (Lambda then starts a new environment).
/// </summary>
internal sealed partial class InvocationLoop(
    RuntimeApiClient runtime,
    FunctionUrlInvocation functionUrl,
    DirectInvocation direct,
    JsonLinesLoggerProvider logs,
    LambdaHostOptions options,
    ILogger<InvocationLoop> logger)
{
    /// <summary>Runs until <paramref name="stoppingToken"/> fires (0) or <c>/next</c> fails (1); returns the exit code.</summary>
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

            await InvokeAsync(invocation, stoppingToken).ConfigureAwait(false);
        }

        return 0;
    }

    private async Task InvokeAsync(Invocation invocation, CancellationToken stoppingToken)
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
                ? await functionUrl.AnswerAsync(invocation, deadline.Token).ConfigureAwait(false)
                : await direct.AnswerAsync(invocation, deadline.Token).ConfigureAwait(false);
            LogInvoked(isHttp ? "function-url" : "direct", options.Time.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception problem)
        {
            LogInvocationFailed(problem);
            if (!answered)
            {
                // A cancellation the deadline caused is a timeout, not an internal error.
                await ReportAsync(invocation.RequestId, ChatHttpError.From(problem, deadline.Token)).ConfigureAwait(false);
            }
        }
        finally
        {
            logs.RequestId = null;
        }
    }

    private async Task ReportAsync(string requestId, ChatHttpError error)
    {
        try
        {
            await runtime.ReportInvocationErrorAsync(requestId, RuntimeError.From(error), CancellationToken.None).ConfigureAwait(false);
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

    [LoggerMessage(2, LogLevel.Information, "Invocation ({Kind}) done in {ElapsedMilliseconds} ms")]
    private partial void LogInvoked(string kind, double elapsedMilliseconds);

    [LoggerMessage(3, LogLevel.Error, "Invocation failed in the host")]
    private partial void LogInvocationFailed(Exception exception);

    [LoggerMessage(4, LogLevel.Critical, "The Runtime API's next event could not be read; exiting")]
    private partial void LogNextFailed(Exception exception);
}
