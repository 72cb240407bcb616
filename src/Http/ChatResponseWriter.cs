using System.Globalization;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Http;

/// <summary>The request being answered, as far as writing its answer needs it.</summary>
/// <param name="Response">Where the answer goes.</param>
/// <param name="Method">The request's method; <c>?</c> when a host could not read it.</param>
/// <param name="Route">The route's name in logs (never a raw path).</param>
/// <param name="Origin">The request's <c>Origin</c>, which decides its CORS headers.</param>
/// <param name="CancellationToken">The request's deadline.</param>
/// <param name="ClientAborted">Fires when the client went away (as opposed to the deadline); unset where a host cannot tell.</param>
internal sealed record ChatExchange(
    IChatHttpResponse Response, string Method, string Route, string? Origin, CancellationToken CancellationToken, CancellationToken ClientAborted = default);

/// <summary>
/// Writes every answer: the headers (CORS and <see cref="SecurityHeaders"/> included), the error shape <c>{"error": {"type", "message"}}</c>,
/// and the log line of each answer. Endpoints never start a response themselves.
/// </summary>
internal sealed partial class ChatResponseWriter(Cors cors, ILogger<ChatHttpHandler> logger)
{
    private const string JsonContentType = "application/json; charset=utf-8";

    public async Task<ChatHttpError?> WriteJsonAsync(ChatExchange exchange, int status, byte[] body)
    {
        await StartAsync(exchange, status, [new("content-type", JsonContentType)]).ConfigureAwait(false);
        await exchange.Response.WriteAsync(body, exchange.CancellationToken).ConfigureAwait(false);
        LogResponded(exchange.Method, exchange.Route, status);
        return null;
    }

    public async Task<ChatHttpError?> WriteNoContentAsync(ChatExchange exchange)
    {
        await StartAsync(exchange, 204, []).ConfigureAwait(false);
        LogResponded(exchange.Method, exchange.Route, 204);
        return null;
    }

    public async Task<ChatHttpError?> WriteAssetAsync(ChatExchange exchange, PageAssets.Asset asset)
    {
        await StartAsync(exchange, 200,
        [
            new("content-type", asset.ContentType),
            new("cache-control", asset.CacheControl),
        ]).ConfigureAwait(false);
        await exchange.Response.WriteAsync(asset.Content, exchange.CancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>Commits the answer to a 200 event stream; from now on failures travel as its <c>error</c> event.</summary>
    public Task StartEventStreamAsync(ChatExchange exchange) =>
        StartAsync(exchange, 200, [new("content-type", "text/event-stream; charset=utf-8"), new("cache-control", "no-cache")]);

    public static async Task WriteEventAsync(ChatExchange exchange, string name, byte[] json) =>
        await exchange.Response.WriteAsync(ServerSentEvents.Event(name, json), exchange.CancellationToken).ConfigureAwait(false);

    /// <summary>Ends an event stream with a completed answer.</summary>
    public void LogStreamCompleted(ChatExchange exchange) => LogResponded(exchange.Method, exchange.Route, 200);

    /// <summary>Ends an event stream with its <c>error</c> event, written even after the deadline: the client still waits.</summary>
    public async Task<ChatHttpError> WriteErrorEventAsync(ChatExchange exchange, ChatHttpError error)
    {
        if (ClientWentAway(exchange))
        {
            return error;
        }

        await exchange.Response.WriteAsync(ServerSentEvents.Event("error", ErrorJson(error)), CancellationToken.None).ConfigureAwait(false);
        LogStreamFailed(error.Type);
        return error;
    }

    /// <summary>Maps <paramref name="exception"/> (<see cref="ChatHttpError.From"/>) and writes it.</summary>
    public Task<ChatHttpError> WriteErrorAsync(ChatExchange exchange, Exception exception) =>
        WriteErrorAsync(exchange, Map(exception, exchange.CancellationToken));

    public async Task<ChatHttpError> WriteErrorAsync(ChatExchange exchange, ChatHttpError error, string? allow = null)
    {
        if (ClientWentAway(exchange))
        {
            return error;
        }

        List<KeyValuePair<string, string>> headers = [new("content-type", JsonContentType)];
        if (allow is not null)
        {
            headers.Add(new("allow", allow));
        }

        if (error.RetryAfter is { } retryAfter)
        {
            headers.Add(new("retry-after", Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture)));
        }

        cors.AddHeaders(exchange.Origin, headers);
        SecurityHeaders.Add(headers);
        // The error is written even when the request was cancelled by its deadline: the client is still waiting.
        await exchange.Response.StartAsync(error.StatusCode, headers, CancellationToken.None).ConfigureAwait(false);
        await exchange.Response.WriteAsync(ErrorJson(error), CancellationToken.None).ConfigureAwait(false);
        LogFailed(exchange.Method, exchange.Route, error.StatusCode, error.Type);
        return error;
    }

    /// <summary>Answers a preflight: every method the routes take, and the CORS headers its origin earned.</summary>
    public async Task WritePreflightAsync(ChatExchange exchange, string allowedMethods)
    {
        List<KeyValuePair<string, string>> headers = [new("allow", allowedMethods)];
        cors.AddPreflightHeaders(exchange.Origin, headers);
        SecurityHeaders.Add(headers);
        await exchange.Response.StartAsync(204, headers, exchange.CancellationToken).ConfigureAwait(false);
    }

    /// <summary>Maps a failure; an unexpected one (a 500) is logged with its exception, which the client never sees.</summary>
    public ChatHttpError Map(Exception exception, CancellationToken cancellationToken)
    {
        var error = ChatHttpError.From(exception, cancellationToken);
        if (error.StatusCode == 500)
        {
            LogUnexpected(exception);
        }

        return error;
    }

    public static byte[] ErrorJson(ChatHttpError error) =>
        ChatJsonContext.Serialize(new ErrorBody(new ErrorDetail(error.Type, error.Message)), c => c.ErrorBody);

    /// <summary>
    /// A client that left is a cancellation, not a failure: nothing is written (nobody reads it) and it is logged at
    /// Information, so a closed tab or the page's Stop never looks like a 504 <c>ModelTimeout</c> in the logs.
    /// </summary>
    private bool ClientWentAway(ChatExchange exchange)
    {
        if (!exchange.ClientAborted.IsCancellationRequested)
        {
            return false;
        }

        LogClientGone(exchange.Method, exchange.Route);
        return true;
    }

    private async Task StartAsync(ChatExchange exchange, int status, List<KeyValuePair<string, string>> headers)
    {
        cors.AddHeaders(exchange.Origin, headers);
        SecurityHeaders.Add(headers);
        await exchange.Response.StartAsync(status, headers, exchange.CancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(1, LogLevel.Information, "{Method} {Route} answered {Status}")]
    private partial void LogResponded(string method, string route, int status);

    [LoggerMessage(2, LogLevel.Warning, "{Method} {Route} failed with {Status} {ErrorType}")]
    private partial void LogFailed(string method, string route, int status, string errorType);

    [LoggerMessage(3, LogLevel.Warning, "Event stream ended with error {ErrorType}")]
    private partial void LogStreamFailed(string errorType);

    [LoggerMessage(5, LogLevel.Information, "{Method} {Route} cancelled: the client went away")]
    private partial void LogClientGone(string method, string route);

    [LoggerMessage(4, LogLevel.Error, "Unexpected failure while handling a request")]
    private partial void LogUnexpected(Exception exception);
}
