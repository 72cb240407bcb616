namespace ChatBedrock.Http;

/// <summary>
/// One HTTP request as every host can describe it: the method, the raw (still percent-encoded) path and
/// query, the headers and the whole body.
/// </summary>
public sealed class ChatHttpRequest
{
    private readonly Dictionary<string, string> _headers;

    /// <param name="method">The HTTP method, e.g. <c>GET</c>.</param>
    /// <param name="path">The raw path, percent-encoded as sent, e.g. <c>/sessions/a%20b/messages</c>.</param>
    /// <param name="queryString">The raw query without its <c>?</c>; empty when none.</param>
    /// <param name="headers">The request headers; names are matched case-insensitively, repeated values joined with commas.</param>
    /// <param name="body">The whole request body.</param>
    public ChatHttpRequest(
        string method,
        string path,
        string? queryString = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null,
        ReadOnlyMemory<byte> body = default)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(path);
        Method = method.ToUpperInvariant();
        Path = path.Length == 0 ? "/" : path;
        QueryString = queryString is { Length: > 0 } && queryString[0] == '?' ? queryString[1..] : queryString ?? string.Empty;
        _headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers ?? [])
        {
            _headers[name] = _headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }

        Body = body;
    }

    /// <summary>The HTTP method, upper case.</summary>
    public string Method { get; }

    /// <summary>The raw path, percent-encoded as sent; <c>/</c> when the host had none.</summary>
    public string Path { get; }

    /// <summary>The raw query string without its <c>?</c>.</summary>
    public string QueryString { get; }

    /// <summary>The request headers, looked up case-insensitively.</summary>
    public IReadOnlyDictionary<string, string> Headers => _headers;

    /// <summary>The whole request body.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>
    /// Fires when the client went away (a closed tab, the page's Stop), as opposed to the deadline the
    /// handler's own token stands for; hosts that cannot tell leave it unset. Failures after it are logged
    /// as a cancellation, not as the error nobody receives.
    /// </summary>
    public CancellationToken ClientAborted { get; init; }

    /// <summary>The value of header <paramref name="name"/>, or null.</summary>
    public string? Header(string name) => _headers.GetValueOrDefault(name);
}
