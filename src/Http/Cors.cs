namespace ChatBedrock.Http;

/// <summary>The CORS headers for an origin the options allow; nothing for any other origin.</summary>
/// <param name="options">The allowed origins.</param>
/// <param name="allowedMethods">What a preflight is told: every method of the route table.</param>
internal sealed class Cors(ChatHttpOptions options, string allowedMethods)
{
    private readonly bool _anyOrigin = options.AllowedOrigins.Contains("*");
    private readonly HashSet<string> _origins = new(options.AllowedOrigins.Select(Normalize), StringComparer.OrdinalIgnoreCase);

    public static bool IsValidOrigin(string origin) =>
        origin == "*"
        || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && uri.PathAndQuery == "/" && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo)
            && !origin.TrimEnd('/').EndsWith('?'));

    /// <summary>
    /// The form a browser sends in <c>Origin</c>: scheme and host, the port only when not the default, so
    /// "https://a.com:443/" matches "https://a.com".
    /// </summary>
    internal static string Normalize(string origin) =>
        origin != "*" && Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            ? uri.GetLeftPart(UriPartial.Authority)
            : origin.TrimEnd('/');

    /// <summary>Adds the headers of a simple or actual request.</summary>
    public void AddHeaders(string? origin, List<KeyValuePair<string, string>> headers)
    {
        // With a list of origins every answer depends on Origin, also one without CORS headers (e.g. to a
        // request without Origin): a shared cache must not hand it to an allowed origin.
        if (!_anyOrigin && _origins.Count > 0)
        {
            headers.Add(new("vary", "origin"));
        }

        if (origin is not { Length: > 0 })
        {
            return;
        }

        if (_anyOrigin)
        {
            headers.Add(new("access-control-allow-origin", "*"));
        }
        else if (_origins.Contains(origin))
        {
            headers.Add(new("access-control-allow-origin", origin));
        }
        else
        {
            return;
        }

        headers.Add(new("access-control-expose-headers", "retry-after"));
    }

    /// <summary>Adds the headers of a preflight request, when its origin is allowed.</summary>
    public void AddPreflightHeaders(string? origin, List<KeyValuePair<string, string>> headers)
    {
        var before = headers.Count;
        AddHeaders(origin, headers);
        if (headers.Count == before)
        {
            return;
        }

        headers.Add(new("access-control-allow-methods", allowedMethods));
        headers.Add(new("access-control-allow-headers", "content-type, accept"));
        headers.Add(new("access-control-max-age", "600"));
    }
}
