namespace ChatBedrock.Http;

/// <summary>
/// The routes, in order: the one place that knows which paths exist and which methods they take. Dispatch, the
/// <c>404</c>/<c>405</c> answers with their <c>Allow</c>, the methods CORS allows and the route names in logs
/// are all read from it.
/// </summary>
internal sealed class ChatRouteTable
{
    private readonly IReadOnlyList<ChatRoute> _routes;

    public ChatRouteTable(IReadOnlyList<ChatRoute> routes)
    {
        _routes = routes;
        AllowedMethods = Allow(routes);
    }

    /// <summary>Every method some route takes, and <c>OPTIONS</c>: what a preflight is told.</summary>
    public string AllowedMethods { get; }

    /// <summary>
    /// Finds the route answering <paramref name="request"/>. When none does, <see cref="RouteMatch.Allow"/> says
    /// which methods the path takes (a 405), or is null when nothing is there (a 404).
    /// </summary>
    public RouteMatch Match(ChatHttpRequest request)
    {
        List<ChatRoute>? pathMatches = null;
        foreach (var route in _routes)
        {
            if (!route.TryMatch(request.Path, out var values) || (route.When is { } when && !when(request)))
            {
                continue;
            }

            if (route.Takes(request.Method))
            {
                return new RouteMatch(route, values, route.LogName, Allow: null);
            }

            if (request.Method == "HEAD" && route.Methods.Contains("GET"))
            {
                // A GET that runs a turn: a HEAD must neither run it nor fall through to another entry (the page).
                return new RouteMatch(null, RouteValues.Empty, route.LogName, Allow([route]));
            }

            (pathMatches ??= []).Add(route);
        }

        return pathMatches is null
            ? new RouteMatch(null, RouteValues.Empty, RouteMatch.UnknownName, Allow: null)
            : new RouteMatch(null, RouteValues.Empty, pathMatches[0].LogName, Allow(pathMatches));
    }

    /// <summary>The name logs show for a path alone (a request that could not be read whole).</summary>
    public string NameOf(string? path) =>
        path is null ? RouteMatch.UnknownName : _routes.FirstOrDefault(r => r.TryMatch(path, out _))?.LogName ?? RouteMatch.UnknownName;

    private static string Allow(IEnumerable<ChatRoute> routes) =>
        string.Join(", ", routes.SelectMany(r => r.AllMethods).Append("OPTIONS").Distinct(StringComparer.Ordinal));
}

/// <summary>The answer of <see cref="ChatRouteTable.Match"/>.</summary>
/// <param name="Route">The route that answers; null for a 404 or 405.</param>
/// <param name="Values">The route's parameters.</param>
/// <param name="Name">The route's name in logs.</param>
/// <param name="Allow">For a 405, the methods the path takes.</param>
internal sealed record RouteMatch(ChatRoute? Route, RouteValues Values, string Name, string? Allow)
{
    public const string UnknownName = "(unknown)";
}
