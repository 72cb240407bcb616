using System.Diagnostics;
using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// Runs the adapters' <see cref="IWarmUp"/>s once the first <c>/next</c> is on the wire and no event answered it
/// within <see cref="Grace"/> (provisioned concurrency, or a function whose first event is not yet there), all at
/// once and each on the thread pool, so the first event finds the connections open and the first-use work done.
/// Nothing waits for them but shutdown; a failure or a warm-up still running after <see cref="Limit"/> is logged at Debug only.
/// </summary>
internal sealed partial class WarmUps(ILogger logger, TimeProvider time) : IDisposable
{
    /// <summary>How long a warm-up may run (e.g. an endpoint that never answers): it holds nothing the invocations need.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(10);

    // Its timer is armed only after the first /next: arming the first timer starts the timer thread.
    private readonly CancellationTokenSource _stop = new();

    /// <summary>
    /// How long after the first <c>/next</c> the warm-ups wait for an event already there (an on-demand cold start):
    /// then the invocation does the same work itself, and warming up alongside would only compete with it.
    /// </summary>
    public static readonly TimeSpan Grace = TimeSpan.FromMilliseconds(20);

    /// <summary>Completes when every warm-up has ended, or at once when the first event came within <see cref="Grace"/>; never faults.</summary>
    public async Task RunAfterAsync(Task firstNextSent, Task firstEventReceived, IServiceProvider services)
    {
        // Nothing before this await: no thread-pool work may start before the first /next.
        await firstNextSent.ConfigureAwait(false);
        _stop.CancelAfter(Limit);
        if (await Task.WhenAny(firstEventReceived, Task.Delay(Grace, time, _stop.Token)).ConfigureAwait(false) == firstEventReceived)
        {
            LogSkipped();
            return;
        }

        IWarmUp[] warmUps;
        try
        {
            warmUps = services.GetServices<IWarmUp>().ToArray();
        }
        catch (Exception problem)
        {
            // The composition meets the same failure and reports it.
            LogFailed(nameof(IWarmUp), problem);
            return;
        }

        await Task.WhenAll(warmUps.Select(w => Task.Run(() => RunAsync(w)))).ConfigureAwait(false);
    }

    /// <summary>Cancels what still runs (at shutdown).</summary>
    public void Cancel() => _stop.Cancel();

    public void Dispose() => _stop.Dispose();

    private async Task RunAsync(IWarmUp warmUp)
    {
        var name = warmUp.GetType().Name;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await warmUp.WarmUpAsync(_stop.Token).ConfigureAwait(false);
            LogDone(name, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception problem)
        {
            LogFailed(name, problem);
        }
    }

    [LoggerMessage(11, LogLevel.Debug, "Warm-ups skipped: the first event was waiting, and its invocation does that work")]
    private partial void LogSkipped();

    [LoggerMessage(9, LogLevel.Debug, "Warm-up {WarmUp} done in {ElapsedMilliseconds} ms")]
    private partial void LogDone(string warmUp, double elapsedMilliseconds);

    [LoggerMessage(10, LogLevel.Debug, "Warm-up {WarmUp} failed (the first request that needs it will tell)")]
    private partial void LogFailed(string warmUp, Exception exception);
}
