namespace ChatBedrock.Application;

/// <summary>
/// Work a host may run once, off the request path, so the first request costs about what a later one does:
/// open a connection (TCP and TLS), resolve credentials, run code whose first use is slow (lazy statics, JSON
/// metadata, a signer). Adapters register theirs with <c>TryAddEnumerable</c>; a host runs them all concurrently
/// and never waits for them before serving (the Lambda host starts them once the first <c>/next</c> is on the
/// wire). Anything that would otherwise be fetched by the first request (e.g. signing keys) may join the same way.
/// </summary>
/// <remarks>
/// A warm-up changes no state a request could see, and its failure is not the request's: the host logs it at
/// Debug and the request that needs the resource meets (and reports) the failure itself.
/// </remarks>
public interface IWarmUp
{
    /// <summary>Does the work; <paramref name="cancellationToken"/> fires when the host stops waiting for it.</summary>
    Task WarmUpAsync(CancellationToken cancellationToken);
}
