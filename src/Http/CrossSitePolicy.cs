namespace ChatBedrock.Http;

/// <summary>
/// Whether a request may reach a route that spends model tokens or reads or changes a session
/// (<see cref="ChatRoute.OwnSiteOnly"/>). Browsers say where a request comes from: Fetch Metadata
/// (<c>Sec-Fetch-Site</c>) and <c>Origin</c>. Accepted: requests of this origin's own page (<c>same-origin</c>),
/// ones a user typed or bookmarked (<c>none</c>), requests of an origin the options allow, and requests without
/// either header (curl, scripts, server-to-server: no browser holds their session). Refused: every other site,
/// <c>same-site</c> included — another port of the same host is another program (ADR 0070).
/// </summary>
internal sealed class CrossSitePolicy(ChatHttpOptions options)
{
    private readonly bool _anyOrigin = options.AllowedOrigins.Contains("*");
    private readonly HashSet<string> _origins = new(
        options.AllowedOrigins.Concat(options.TrustedOrigins).Where(o => o != "*").Select(Cors.Normalize), StringComparer.OrdinalIgnoreCase);

    public bool Allows(ChatHttpRequest request)
    {
        var origin = request.Header("origin");
        if (origin is { Length: > 0 } && origin != "null" && (_anyOrigin || _origins.Contains(origin)))
        {
            return true;
        }

        if (request.Header("sec-fetch-site") is { } site)
        {
            return site.Trim().ToLowerInvariant() is "same-origin" or "none";
        }

        // No Fetch Metadata (a client that is not a browser, or an older one): only an Origin tells, and it must
        // name this host.
        return origin is null || IsOwnOrigin(origin, request.Header("host"));
    }

    private static bool IsOwnOrigin(string origin, string? host) =>
        host is { Length: > 0 }
        && Uri.TryCreate(origin, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && string.Equals(uri.Authority, host.Trim(), StringComparison.OrdinalIgnoreCase);
}
