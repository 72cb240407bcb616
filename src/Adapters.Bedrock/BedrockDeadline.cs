using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// One call's deadline (<see cref="BedrockModelOptions.RequestTimeout"/>), covering its retries and the whole
/// answer, linked to the caller's token; tells a timeout from the caller's cancellation. See ADR 0021.
/// </summary>
internal sealed class BedrockDeadline : IDisposable
{
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;
    private readonly CancellationToken _caller;

    public BedrockDeadline(TimeSpan timeout, TimeProvider time, CancellationToken caller)
    {
        _timeout = timeout;
        _time = time;
        _start = time.GetTimestamp();
        _caller = caller;
        _timer = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(caller, _timer.Token);
    }

    /// <summary>Cancelled when the deadline passes or the caller cancels.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>Whether the deadline passed (and the caller did not cancel first).</summary>
    public bool Expired => _timer.IsCancellationRequested && !_caller.IsCancellationRequested;

    public TimeSpan Remaining => _timeout - _time.GetElapsedTime(_start);

    /// <summary>What a cancellation becomes when <see cref="Expired"/>.</summary>
    public ChatException Timeout(Exception inner) => new(ChatErrorCode.ModelTimeout,
        $"Bedrock did not answer within {_timeout.TotalSeconds:0.###} s ({BedrockModelOptions.SectionName}:{nameof(BedrockModelOptions.RequestTimeout)}).", inner);

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
