using ChatBedrock.Domain;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Http;

/// <summary>
/// Caps the turns running at once (<see cref="ChatHttpOptions.MaxConcurrentTurns"/>): past it a turn is refused
/// with 503 <c>ServerBusy</c> before the model is called, instead of queueing without bound.
/// </summary>
internal sealed class TurnLimiter(IOptions<ChatHttpOptions> options)
{
    private readonly int _max = options.Value.MaxConcurrentTurns;
    private int _running;

    /// <summary>Takes a slot until the returned value is disposed; throws <see cref="ChatErrorCode.ServerBusy"/> when none is free.</summary>
    public Slot Enter()
    {
        if (_max == 0)
        {
            return default;
        }

        if (Interlocked.Increment(ref _running) > _max)
        {
            Interlocked.Decrement(ref _running);
            throw new ChatException(ChatErrorCode.ServerBusy, $"{_max} turns are running already; try again in a moment.", TimeSpan.FromSeconds(1));
        }

        return new Slot(this);
    }

    public readonly struct Slot(TurnLimiter? limiter) : IDisposable
    {
        public void Dispose()
        {
            if (limiter is not null)
            {
                Interlocked.Decrement(ref limiter._running);
            }
        }
    }
}
