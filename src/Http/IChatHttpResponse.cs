namespace ChatBedrock.Http;

/// <summary>
/// Where <see cref="ChatHttpHandler"/> writes its answer. Each host implements it over its own transport:
/// a buffer, a Lambda response stream, ASP.NET Core's <c>HttpResponse</c>.
/// </summary>
public interface IChatHttpResponse
{
    /// <summary>Sends the status and headers. Called exactly once, before any body chunk.</summary>
    ValueTask StartAsync(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken);

    /// <summary>Sends one chunk of the body and flushes it, so a client sees it at once.</summary>
    ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken);
}
