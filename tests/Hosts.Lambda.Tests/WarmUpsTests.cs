using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace ChatBedrock.Hosts.Lambda.Tests;

/// <summary>When the host's <see cref="WarmUps"/> run the adapters' <see cref="IWarmUp"/>s, on a fake clock.</summary>
public sealed class WarmUpsTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly TaskCompletionSource _firstNextSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstEvent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CountingWarmUp _warmUp = new();

    [Fact]
    public void NothingRuns_BeforeTheFirstNextIsSent()
    {
        using var warmUps = new WarmUps(NullLogger.Instance, _time);
        var run = warmUps.RunAfterAsync(_firstNextSent.Task, _firstEvent.Task, Services());

        _time.Advance(WarmUps.Grace * 10);

        _warmUp.Calls.Should().Be(0);
        run.IsCompleted.Should().BeFalse();
    }

    [Fact]
    public async Task WhenNoEventAnswersTheFirstNextWithinTheGrace_TheWarmUpsRun()
    {
        using var warmUps = new WarmUps(NullLogger.Instance, _time);
        var run = warmUps.RunAfterAsync(_firstNextSent.Task, _firstEvent.Task, Services());

        _firstNextSent.SetResult();
        await AdvanceUntilDoneAsync(run);

        _warmUp.Calls.Should().Be(1);
    }

    [Fact]
    public async Task WhenAnEventAnswersTheFirstNextWithinTheGrace_TheWarmUpsAreSkipped()
    {
        using var warmUps = new WarmUps(NullLogger.Instance, _time);
        var run = warmUps.RunAfterAsync(_firstNextSent.Task, _firstEvent.Task, Services());

        _firstNextSent.SetResult();
        _firstEvent.SetResult();
        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        _time.Advance(WarmUps.Grace);

        _warmUp.Calls.Should().Be(0);
    }

    [Fact]
    public async Task AFailingWarmUp_DoesNotFaultTheRun_NorStopTheOthers()
    {
        using var warmUps = new WarmUps(NullLogger.Instance, _time);
        var services = new ServiceCollection()
            .AddSingleton<IWarmUp>(new FailingWarmUp())
            .AddSingleton<IWarmUp>(_warmUp)
            .BuildServiceProvider();
        var run = warmUps.RunAfterAsync(_firstNextSent.Task, _firstEvent.Task, services);

        _firstNextSent.SetResult();
        await AdvanceUntilDoneAsync(run);

        _warmUp.Calls.Should().Be(1);
    }

    private ServiceProvider Services() => new ServiceCollection().AddSingleton<IWarmUp>(_warmUp).BuildServiceProvider();

    // The grace's timer is created on a thread-pool continuation of the first /next, at an unknown moment: advance
    // the clock by the grace until the run ends (bounded), since an advance before the timer exists moves nothing.
    private async Task AdvanceUntilDoneAsync(Task run)
    {
        for (var i = 0; i < 200 && !run.IsCompleted; i++)
        {
            _time.Advance(WarmUps.Grace);
            await Task.WhenAny(run, Task.Delay(10, TestContext.Current.CancellationToken));
        }

        await run.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
    }

    private sealed class CountingWarmUp : IWarmUp
    {
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Task WarmUpAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.CompletedTask;
        }
    }

    private sealed class FailingWarmUp : IWarmUp
    {
        public Task WarmUpAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("endpoint down");
    }
}
