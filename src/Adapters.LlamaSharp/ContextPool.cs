using LLama;

namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>
/// At most a fixed number of inference contexts over one set of weights, created when first needed and
/// reused; callers beyond that wait in arrival order. See ADR 0060.
/// </summary>
internal sealed class ContextPool : IDisposable
{
    private readonly Func<LLamaContext> _create;
    private readonly SemaphoreSlim _slots;
    private readonly Lock _gate = new();
    private readonly Stack<LLamaContext> _idle = new();
    private readonly List<LLamaContext> _all = [];

    public ContextPool(int size, Func<LLamaContext> create)
    {
        _create = create;
        _slots = new SemaphoreSlim(size, size);
    }

    /// <summary>Waits for a free context; the caller must <see cref="Return"/> it.</summary>
    public async Task<LLamaContext> RentAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            lock (_gate)
            {
                if (_idle.TryPop(out var idle))
                {
                    return idle;
                }
            }

            var created = _create();
            lock (_gate)
            {
                _all.Add(created);
            }

            return created;
        }
        catch
        {
            _slots.Release();
            throw;
        }
    }

    public void Return(LLamaContext context)
    {
        lock (_gate)
        {
            _idle.Push(context);
        }

        _slots.Release();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var context in _all)
            {
                context.Dispose();
            }

            _all.Clear();
            _idle.Clear();
        }

        _slots.Dispose();
    }
}
