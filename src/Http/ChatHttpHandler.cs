using ChatBedrock.Domain;
using ChatBedrock.Http.Endpoints;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Http;

/// <summary>
/// ChatBedrock's HTTP API, written once for every host. A host turns its request into a
/// <see cref="ChatHttpRequest"/>, implements <see cref="IChatHttpResponse"/> over its transport and calls
/// <see cref="HandleAsync"/>; a request it could not read goes to <see cref="HandleUnreadableAsync"/>. The routes
/// are <see cref="ChatRoutes"/>; the endpoints call the Application's use cases; <see cref="ChatResponseWriter"/>
/// writes every answer and <see cref="ChatHttpError.From"/> maps every failure to a status.
/// </summary>
public sealed class ChatHttpHandler
{
    private readonly ChatRouteTable _routes;
    private readonly ChatResponseWriter _writer;
    private readonly ChatHttpOptions _options;
    private readonly CrossSitePolicy _crossSite;

    internal ChatHttpHandler(ChatRouteTable routes, ChatResponseWriter writer, IOptions<ChatHttpOptions> options)
    {
        _routes = routes;
        _writer = writer;
        _options = options.Value;
        _crossSite = new CrossSitePolicy(_options);
    }

    /// <summary>The largest request body accepted; a host may stop reading a body past it.</summary>
    public int MaxRequestBodyBytes => _options.MaxRequestBodyBytes;

    /// <summary>
    /// Answers <paramref name="request"/> on <paramref name="response"/>. Never throws for a failure of the
    /// request or of the model or store: those are written as error responses (or, once an event stream has
    /// started, as its <c>error</c> event). Only a failure of <paramref name="response"/> itself escapes.
    /// </summary>
    /// <returns>The error the request ended with, already written to the client; null when it succeeded.</returns>
    public async Task<ChatHttpError?> HandleAsync(ChatHttpRequest request, IChatHttpResponse response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var origin = request.Header("origin");
        if (!HostAllowed(request.Header("host")))
        {
            var misdirected = new ChatException(
                ChatErrorCode.RequestInvalid,
                "This server does not answer to the host name in the request's Host header. Add the name with --allowed-hosts (CHAT_ALLOWED_HOSTS).");
            return await HandleUnreadableAsync(request.Method, request.Path, request.Headers, misdirected, response, cancellationToken).ConfigureAwait(false);
        }

        if (request.Method == "OPTIONS")
        {
            await _writer.WritePreflightAsync(new ChatExchange(response, request.Method, _routes.NameOf(request.Path), origin, cancellationToken), _routes.AllowedMethods).ConfigureAwait(false);
            return null;
        }

        if (request.Method == "HEAD")
        {
            response = new HeadResponse(response);
        }

        var match = _routes.Match(request);
        var exchange = new ChatExchange(response, request.Method, match.Name, origin, cancellationToken, request.ClientAborted);
        if (match.Route is null)
        {
            return match.Allow is null
                ? await _writer.WriteErrorAsync(exchange, ChatHttpError.NotFound()).ConfigureAwait(false)
                : await _writer.WriteErrorAsync(exchange, ChatHttpError.MethodNotAllowed(match.Allow), match.Allow).ConfigureAwait(false);
        }

        if (match.Route.OwnSiteOnly && !_crossSite.Allows(request))
        {
            return await _writer.WriteErrorAsync(exchange, new ChatException(
                ChatErrorCode.CrossSiteRequestRefused,
                "This request came from a page of another site. Turns and sessions are answered only to this site's own page and to the origins configured in CHAT_CORS_ALLOWED_ORIGINS.")).ConfigureAwait(false);
        }

        try
        {
            return await match.Route.Endpoint.HandleAsync(new ChatEndpointContext(request, match.Values, exchange, _writer)).ConfigureAwait(false);
        }
        catch (ChatException failure)
        {
            // Raised while reading the request, before anything was written.
            return await _writer.WriteErrorAsync(exchange, failure).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Answers a request the host could not read whole (a body it could not decode, a malformed event), with
    /// <paramref name="problem"/> mapped like every other failure and the CORS headers its <c>Origin</c> earned.
    /// Pass whatever was read: nothing is made up for the rest.
    /// </summary>
    /// <param name="method">The request's method, when known.</param>
    /// <param name="path">The request's raw path, when known (for the route name in logs).</param>
    /// <param name="headers">The request's headers, when known; <c>Origin</c> decides the CORS headers.</param>
    /// <param name="problem">Why it could not be read, e.g. a <see cref="ChatException"/> with <see cref="ChatErrorCode.RequestInvalid"/>.</param>
    /// <param name="response">Where the answer goes.</param>
    /// <param name="cancellationToken">The request's deadline.</param>
    /// <returns>The error written.</returns>
    public Task<ChatHttpError> HandleUnreadableAsync(
        string? method,
        string? path,
        IEnumerable<KeyValuePair<string, string>>? headers,
        Exception problem,
        IChatHttpResponse response,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(response);
        var origin = headers?.FirstOrDefault(h => h.Key.Equals("origin", StringComparison.OrdinalIgnoreCase)).Value;
        var exchange = new ChatExchange(response, method?.ToUpperInvariant() ?? "?", _routes.NameOf(path), origin, cancellationToken);
        return _writer.WriteErrorAsync(exchange, problem);
    }

    /// <summary><c>HEAD</c>: the status and headers of the <c>GET</c>, without its body.</summary>
    private sealed class HeadResponse(IChatHttpResponse inner) : IChatHttpResponse
    {
        public ValueTask StartAsync(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken) =>
            inner.StartAsync(statusCode, headers, cancellationToken);

        public ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    /// <summary>Whether <paramref name="host"/> (a <c>Host</c> header, port included) names a host <see cref="ChatHttpOptions.AllowedHosts"/> allows.</summary>
    private bool HostAllowed(string? host)
    {
        var allowed = _options.AllowedHosts;
        if (allowed.Count == 0 || allowed.Contains("*"))
        {
            return true;
        }

        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        // "name:port" -> "name"; "[::1]:5000" -> "[::1]".
        var end = host.StartsWith('[') ? host.IndexOf(']', StringComparison.Ordinal) + 1 : host.LastIndexOf(':');
        var name = end > 0 && end <= host.Length ? host[..end] : host;
        return allowed.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
    }
}
