using ChatBedrock.Domain;
using ChatBedrock.Http.Endpoints;

namespace ChatBedrock.Http;

/// <summary>
/// One entry of the route table: requests whose path matches <paramref name="Template"/>, whose method is one of
/// <paramref name="Methods"/> and for which <paramref name="When"/> holds are answered by <paramref name="Endpoint"/>.
/// </summary>
/// <param name="Template">
/// Segments separated by <c>/</c>: a literal, <c>{name}</c> for any one segment (also an empty one: the endpoint
/// validates it), or, last, <c>{*name}</c> for the rest of the path. Values stay percent-encoded as sent.
/// </param>
/// <param name="Methods">The methods this entry answers, upper case.</param>
/// <param name="Endpoint">What answers.</param>
/// <param name="Name">The route as logs show it; the template unless given. Never a raw path: paths carry session ids.</param>
/// <param name="When">
/// A further condition on the request: picks one of several endpoints for a path (e.g. by query or
/// <c>Accept</c>), or says the resource exists (an entry whose condition fails does not match the path at all).
/// </param>
/// <param name="OwnSiteOnly">
/// The route spends model tokens or reads or changes a session: browsers on other sites are refused
/// (<see cref="CrossSitePolicy"/>).
/// </param>
/// <param name="Head">
/// <c>HEAD</c> is answered as <c>GET</c> without a body. False for a <c>GET</c> that runs a turn: a <c>HEAD</c>
/// there is 405, since nobody would receive the answer it paid for.
/// </param>
internal sealed record ChatRoute(
    string Template,
    IReadOnlyList<string> Methods,
    IChatEndpoint Endpoint,
    string? Name = null,
    Func<ChatHttpRequest, bool>? When = null,
    bool OwnSiteOnly = false,
    bool Head = true)
{
    private readonly string[] _segments = Template.Split('/');

    public string LogName => Name ?? Template;

    /// <summary>The methods this entry answers, <c>HEAD</c> included when it answers it.</summary>
    public IReadOnlyList<string> AllMethods { get; } =
        Head && Methods.Contains("GET") ? [.. Methods.SelectMany<string, string>(m => m == "GET" ? ["GET", "HEAD"] : [m])] : Methods;

    /// <summary>Whether this entry answers <paramref name="method"/>.</summary>
    public bool Takes(string method) => AllMethods.Contains(method);

    /// <summary>Matches a raw path against the template, filling <paramref name="values"/> with its parameters.</summary>
    public bool TryMatch(string path, out RouteValues values)
    {
        values = RouteValues.Empty;
        var parts = path.Split('/');
        Dictionary<string, string>? found = null;
        for (var i = 0; i < _segments.Length; i++)
        {
            var segment = _segments[i];
            if (segment.StartsWith("{*", StringComparison.Ordinal))
            {
                if (i >= parts.Length)
                {
                    return false;
                }

                (found ??= new(StringComparer.Ordinal))[segment[2..^1]] = string.Join('/', parts[i..]);
                values = new RouteValues(found);
                return true;
            }

            if (i >= parts.Length)
            {
                return false;
            }

            if (segment.StartsWith('{'))
            {
                (found ??= new(StringComparer.Ordinal))[segment[1..^1]] = parts[i];
            }
            else if (segment != parts[i])
            {
                return false;
            }
        }

        if (parts.Length != _segments.Length)
        {
            return false;
        }

        values = found is null ? RouteValues.Empty : new RouteValues(found);
        return true;
    }
}

/// <summary>The parameters a route's template took from the path, percent-encoded as sent.</summary>
internal sealed class RouteValues(IReadOnlyDictionary<string, string> values)
{
    public static readonly RouteValues Empty = new(new Dictionary<string, string>());

    /// <summary>The raw value of <paramref name="name"/>, as sent.</summary>
    public string Raw(string name) => values[name];

    /// <summary>
    /// The value of <paramref name="name"/>, percent-decoded by the one rule of <see cref="PercentEncoding"/>; a
    /// value that is not valid percent-encoded UTF-8 is refused with <paramref name="invalid"/>.
    /// </summary>
    public string Decode(string name, ChatErrorCode invalid, string what) =>
        PercentEncoding.TryDecode(values[name], plusIsSpace: false, out var decoded)
            ? decoded!
            : throw new ChatException(invalid, $"The {what} in the path is not valid percent-encoded UTF-8.");
}
