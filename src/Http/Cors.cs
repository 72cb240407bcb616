namespace ChatBedrock.Http;

/// <summary>The CORS headers for an origin the options allow; nothing for any other origin.</summary>
internal sealed class Cors(ChatHttpOptions options)
{
    public const string AllowedMethods = "GET, POST, DELETE, OPTIONS";

    private readonly bool _anyOrigin = options.AllowedOrigins.Contains("*");
    private readonly HashSet<string> _origins = new(options.AllowedOrigins.Select(o => o.TrimEnd('/')), StringComparer.OrdinalIgnoreCase);

    public static bool IsValidOrigin(string origin) =>
        origin == "*"
        || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && uri.PathAndQuery == "/" && string.IsNullOrEmpty(uri.Fragment) && string.IsNullOrEmpty(uri.UserInfo)
            && !origin.TrimEnd('/').EndsWith('?'));

    /// <summary>Adds the headers of a simple or actual request.</summary>
    public void AddHeaders(ChatHttpRequest request, List<KeyValuePair<string, string>> headers)
    {
        if (request.Header("origin") is not { Length: > 0 } origin)
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
            headers.Add(new("vary", "origin"));
        }
        else
        {
            return;
        }

        headers.Add(new("access-control-expose-headers", "retry-after"));
    }

    /// <summary>Adds the headers of a preflight request, when its origin is allowed.</summary>
    public void AddPreflightHeaders(ChatHttpRequest request, List<KeyValuePair<string, string>> headers)
    {
        var before = headers.Count;
        AddHeaders(request, headers);
        if (headers.Count == before)
        {
            return;
        }

        headers.Add(new("access-control-allow-methods", AllowedMethods));
        headers.Add(new("access-control-allow-headers", "content-type, accept"));
        headers.Add(new("access-control-max-age", "600"));
    }
}
