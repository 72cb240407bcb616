using System.Globalization;
using System.Text;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Http;

/// <summary>
/// ChatBedrock's HTTP API, written once for every host: routing, the JSON contract, Server-Sent Events,
/// CORS, the chat page and the mapping of every failure to a status (<see cref="ChatHttpError.From"/>).
/// A host turns its request into a <see cref="ChatHttpRequest"/>, implements <see cref="IChatHttpResponse"/>
/// over its transport and calls <see cref="HandleAsync"/>.
/// </summary>
public sealed partial class ChatHttpHandler
{
    private const string JsonContentType = "application/json; charset=utf-8";
    private const string RootMethods = "GET, POST, OPTIONS";

    private readonly ContinueConversation _chat;
    private readonly IConversationRepository _repository;
    private readonly ChatHttpOptions _options;
    private readonly IModelStatus _model;
    private readonly Cors _cors;
    private readonly ILogger<ChatHttpHandler> _logger;

    public ChatHttpHandler(
        ContinueConversation chat,
        IConversationRepository repository,
        IModelStatus model,
        IOptions<ChatHttpOptions> options,
        ILogger<ChatHttpHandler> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _chat = chat;
        _repository = repository;
        _model = model;
        _options = options.Value;
        _cors = new Cors(_options);
        _logger = logger;
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
        try
        {
            return await RouteAsync(request, response, cancellationToken).ConfigureAwait(false);
        }
        catch (RouteException failure)
        {
            return await WriteErrorAsync(request, response, failure.Error, failure.Allow, cancellationToken).ConfigureAwait(false);
        }
        catch (ChatException failure)
        {
            // Raised while reading the request, before anything was written.
            return await WriteErrorAsync(request, response, Map(failure, cancellationToken), allow: null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes the error response for a failure a host met before it could call <see cref="HandleAsync"/>
    /// (e.g. a body it could not decode), through the same mapping as every other error.
    /// </summary>
    public Task<ChatHttpError> WriteErrorAsync(ChatHttpRequest request, IChatHttpResponse response, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        return WriteErrorAsync(request, response, Map(exception, cancellationToken), allow: null, cancellationToken);
    }

    private async Task<ChatHttpError?> RouteAsync(ChatHttpRequest request, IChatHttpResponse response, CancellationToken cancellationToken)
    {
        var path = request.Path;
        if (request.Method == "OPTIONS")
        {
            var headers = new List<KeyValuePair<string, string>> { new("allow", Cors.AllowedMethods) };
            _cors.AddPreflightHeaders(request, headers);
            await response.StartAsync(204, headers, cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (path == "/")
        {
            return request.Method switch
            {
                "GET" when ChatRequestReader.QueryValue(request.QueryString, "input_text") is null =>
                    await WriteAssetAsync(request, response, PageAssets.Page, cancellationToken).ConfigureAwait(false),
                "GET" => await ChatAsync(request, response, ChatRequestReader.FromQuery(request.QueryString), stream: false, cancellationToken).ConfigureAwait(false),
                "POST" => await ChatAsync(request, response, ReadBody(request), WantsEventStream(request), cancellationToken).ConfigureAwait(false),
                _ => throw MethodNotAllowed(RootMethods),
            };
        }

        if (path == "/status")
        {
            RequireMethod(request, "GET");
            var model = await _model.GetAsync(cancellationToken).ConfigureAwait(false);
            var status = new StatusBody(new ModelStatusBody(model.Provider, model.ModelId, model.Ready, model.Ready ? null : model.Message), _options.Store);
            await WriteBodyAsync(request, response, 200, JsonContentType, ChatJsonContext.Serialize(status, c => c.StatusBody), cancellationToken).ConfigureAwait(false);
            return null;
        }

        if (path.StartsWith("/assets/", StringComparison.Ordinal))
        {
            if (!PageAssets.TryGet(path, out var asset))
            {
                throw NotFound();
            }

            RequireMethod(request, "GET");
            return await WriteAssetAsync(request, response, asset, cancellationToken).ConfigureAwait(false);
        }

        if (path.StartsWith("/sessions/", StringComparison.Ordinal))
        {
            var rest = path["/sessions/".Length..].Split('/');
            switch (rest)
            {
                case [var id, "messages"]:
                    RequireMethod(request, "GET");
                    return await MessagesAsync(request, response, id, cancellationToken).ConfigureAwait(false);
                case [var id]:
                    RequireMethod(request, "DELETE");
                    return await DeleteAsync(request, response, id, cancellationToken).ConfigureAwait(false);
            }
        }

        throw NotFound();
    }

    private async Task<ChatHttpError?> ChatAsync(
        ChatHttpRequest request, IChatHttpResponse response, ConversationRequest chat, bool stream, CancellationToken cancellationToken)
    {
        var model = await _model.GetAsync(cancellationToken).ConfigureAwait(false);
        if (!model.Ready)
        {
            // Refused before the use case runs: nothing is read or stored, and the caller learns what to configure.
            var message = model.Message ?? $"The {model.Provider} model is not ready.";
            return await WriteErrorAsync(request, response, Map(new ChatException(ChatErrorCode.ModelNotConfigured, message), cancellationToken), allow: null, cancellationToken).ConfigureAwait(false);
        }

        if (stream)
        {
            return await StreamAsync(request, response, chat, cancellationToken).ConfigureAwait(false);
        }

        ConversationReply reply;
        try
        {
            reply = await _chat.ExecuteAsync(chat, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await WriteErrorAsync(request, response, Map(exception, cancellationToken), allow: null, cancellationToken).ConfigureAwait(false);
        }

        var body = ChatJsonContext.Serialize(ChatResponseBody.From(reply), c => c.ChatResponseBody);
        await WriteBodyAsync(request, response, 200, JsonContentType, body, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<ChatHttpError?> StreamAsync(
        ChatHttpRequest request, IChatHttpResponse response, ConversationRequest chat, CancellationToken cancellationToken)
    {
        var updates = _chat.StreamAsync(chat, cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using (updates.ConfigureAwait(false))
        {
            // Whatever fails before the first text (input, session id, history, a throttled model) still
            // gets an ordinary status; afterwards the stream is committed to 200 and ends with an error event.
            var error = await NextAsync(updates, cancellationToken).ConfigureAwait(false);
            var sessionId = (updates.Current as ConversationStarted)?.SessionId.Value;
            if (error is null)
            {
                error = await NextAsync(updates, cancellationToken).ConfigureAwait(false);
            }

            if (error is not null)
            {
                return await WriteErrorAsync(request, response, error, allow: null, cancellationToken).ConfigureAwait(false);
            }

            var headers = new List<KeyValuePair<string, string>>
            {
                new("content-type", "text/event-stream; charset=utf-8"),
                new("cache-control", "no-cache"),
            };
            _cors.AddHeaders(request, headers);
            await response.StartAsync(200, headers, cancellationToken).ConfigureAwait(false);
            try
            {
                await response.WriteAsync(ServerSentEvents.Event("start", ChatJsonContext.Serialize(new StartEventBody(sessionId!), c => c.StartEventBody)), cancellationToken).ConfigureAwait(false);
                while (error is null)
                {
                    switch (updates.Current)
                    {
                        case ConversationDelta delta:
                            await response.WriteAsync(ServerSentEvents.Event("delta", ChatJsonContext.Serialize(new DeltaEventBody(delta.Text), c => c.DeltaEventBody)), cancellationToken).ConfigureAwait(false);
                            break;
                        case ConversationCompleted completed:
                            await response.WriteAsync(ServerSentEvents.Event("done", ChatJsonContext.Serialize(ChatResponseBody.From(completed.Reply), c => c.ChatResponseBody)), cancellationToken).ConfigureAwait(false);
                            LogResponded(request.Method, "/", 200);
                            return null;
                    }

                    error = await NextAsync(updates, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException exception) when (cancellationToken.IsCancellationRequested)
            {
                // The deadline (Lambda's token) passed between an update and its write: still a timeout the
                // client learns about, not an exception escaping a committed 200.
                error = Map(exception, cancellationToken);
            }

            if (ClientWentAway(request))
            {
                return error;
            }

            await response.WriteAsync(ServerSentEvents.Event("error", ErrorJson(error)), CancellationToken.None).ConfigureAwait(false);
            LogStreamFailed(error.Type);
            return error;
        }
    }

    /// <summary>Moves to the next update; a failure is mapped, and so is an end without a completed turn.</summary>
    private async Task<ChatHttpError?> NextAsync(IAsyncEnumerator<ConversationUpdate> updates, CancellationToken cancellationToken)
    {
        try
        {
            return await updates.MoveNextAsync().ConfigureAwait(false) ? null : new ChatHttpError(500, ChatHttpError.InternalErrorType, "An internal error occurred.");
        }
        catch (Exception exception)
        {
            return Map(exception, cancellationToken);
        }
    }

    private async Task<ChatHttpError?> MessagesAsync(ChatHttpRequest request, IChatHttpResponse response, string rawId, CancellationToken cancellationToken)
    {
        IReadOnlyList<ChatMessage> messages;
        SessionId id;
        try
        {
            id = SessionId.Parse(Uri.UnescapeDataString(rawId));
            messages = await _repository.LoadAsync(id, newestLimit: null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await WriteErrorAsync(request, response, Map(exception, cancellationToken), allow: null, cancellationToken).ConfigureAwait(false);
        }

        var visible = messages
            .Where(m => m.Role != ChatRole.System)
            .Select(m => new MessageBody(m.Role == ChatRole.User ? "user" : "assistant", m.Content))
            .ToList();
        if (visible.Count == 0)
        {
            throw NotFound("This session has no messages.");
        }

        var body = ChatJsonContext.Serialize(new MessagesBody(id.Value, visible), c => c.MessagesBody);
        await WriteBodyAsync(request, response, 200, JsonContentType, body, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task<ChatHttpError?> DeleteAsync(ChatHttpRequest request, IChatHttpResponse response, string rawId, CancellationToken cancellationToken)
    {
        try
        {
            await _repository.DeleteAsync(SessionId.Parse(Uri.UnescapeDataString(rawId)), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            return await WriteErrorAsync(request, response, Map(exception, cancellationToken), allow: null, cancellationToken).ConfigureAwait(false);
        }

        var headers = new List<KeyValuePair<string, string>>();
        _cors.AddHeaders(request, headers);
        await response.StartAsync(204, headers, cancellationToken).ConfigureAwait(false);
        LogResponded(request.Method, "/sessions/{id}", 204);
        return null;
    }

    private ConversationRequest ReadBody(ChatHttpRequest request) =>
        request.Body.Length > _options.MaxRequestBodyBytes
            ? throw new ChatException(ChatErrorCode.RequestTooLarge, $"The request body is larger than {_options.MaxRequestBodyBytes} bytes.")
            : ChatRequestReader.FromJson(request.Body.Span);

    private static bool WantsEventStream(ChatHttpRequest request) =>
        request.Header("accept") is { } accept && accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);

    private async Task<ChatHttpError?> WriteAssetAsync(ChatHttpRequest request, IChatHttpResponse response, PageAssets.Asset asset, CancellationToken cancellationToken)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("content-type", asset.ContentType),
            new("cache-control", asset.CacheControl),
            new("x-content-type-options", "nosniff"),
        };
        _cors.AddHeaders(request, headers);
        await response.StartAsync(200, headers, cancellationToken).ConfigureAwait(false);
        await response.WriteAsync(asset.Content, cancellationToken).ConfigureAwait(false);
        return null;
    }

    private async Task WriteBodyAsync(ChatHttpRequest request, IChatHttpResponse response, int status, string contentType, byte[] body, CancellationToken cancellationToken)
    {
        var headers = new List<KeyValuePair<string, string>> { new("content-type", contentType) };
        _cors.AddHeaders(request, headers);
        await response.StartAsync(status, headers, cancellationToken).ConfigureAwait(false);
        await response.WriteAsync(body, cancellationToken).ConfigureAwait(false);
        LogResponded(request.Method, RouteName(request.Path), status);
    }

    private async Task<ChatHttpError> WriteErrorAsync(
        ChatHttpRequest request, IChatHttpResponse response, ChatHttpError error, string? allow, CancellationToken cancellationToken)
    {
        if (ClientWentAway(request))
        {
            return error;
        }

        var headers = new List<KeyValuePair<string, string>> { new("content-type", JsonContentType) };
        if (allow is not null)
        {
            headers.Add(new("allow", allow));
        }

        if (error.RetryAfter is { } retryAfter)
        {
            headers.Add(new("retry-after", Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture)));
        }

        _cors.AddHeaders(request, headers);
        // The error is written even when the request was cancelled by its deadline: the client is still waiting.
        await response.StartAsync(error.StatusCode, headers, CancellationToken.None).ConfigureAwait(false);
        await response.WriteAsync(ErrorJson(error), CancellationToken.None).ConfigureAwait(false);
        LogFailed(request.Method, RouteName(request.Path), error.StatusCode, error.Type);
        return error;
    }

    /// <summary>Whether the client left: then nobody reads the answer, and no model or store failed (issue 12).</summary>
    private bool ClientWentAway(ChatHttpRequest request)
    {
        if (!request.ClientAborted.IsCancellationRequested)
        {
            return false;
        }

        LogClientGone(request.Method, RouteName(request.Path));
        return true;
    }

    private static byte[] ErrorJson(ChatHttpError error) =>
        ChatJsonContext.Serialize(new ErrorBody(new ErrorDetail(error.Type, error.Message)), c => c.ErrorBody);

    private ChatHttpError Map(Exception exception, CancellationToken cancellationToken)
    {
        var error = ChatHttpError.From(exception, cancellationToken);
        if (error.StatusCode == 500)
        {
            LogUnexpected(exception);
        }

        return error;
    }

    private static void RequireMethod(ChatHttpRequest request, string method)
    {
        if (request.Method != method)
        {
            throw MethodNotAllowed($"{method}, OPTIONS");
        }
    }

    private static RouteException NotFound(string message = "There is nothing at this path.") =>
        new(new ChatHttpError(404, ChatHttpError.NotFoundType, message));

    private static RouteException MethodNotAllowed(string allow) =>
        new(new ChatHttpError(405, ChatHttpError.MethodNotAllowedType, $"This path accepts {allow}."), allow);

    // Logged routes are templates: raw paths carry session ids and queries carry message text.
    private static string RouteName(string path) => path switch
    {
        "/" or "/status" => path,
        _ when path.StartsWith("/assets/", StringComparison.Ordinal) => "/assets/*",
        _ when path.StartsWith("/sessions/", StringComparison.Ordinal) => path.EndsWith("/messages", StringComparison.Ordinal) ? "/sessions/{id}/messages" : "/sessions/{id}",
        _ => "(unknown)",
    };

    [LoggerMessage(1, LogLevel.Information, "{Method} {Route} answered {Status}")]
    private partial void LogResponded(string method, string route, int status);

    [LoggerMessage(2, LogLevel.Warning, "{Method} {Route} failed with {Status} {ErrorType}")]
    private partial void LogFailed(string method, string route, int status, string errorType);

    [LoggerMessage(3, LogLevel.Warning, "Event stream ended with error {ErrorType}")]
    private partial void LogStreamFailed(string errorType);

    [LoggerMessage(4, LogLevel.Error, "Unexpected failure while handling a request")]
    private partial void LogUnexpected(Exception exception);

    [LoggerMessage(5, LogLevel.Information, "{Method} {Route} cancelled: the client went away")]
    private partial void LogClientGone(string method, string route);

    /// <summary>A request that routing or reading rejects: unwinds to <see cref="HandleAsync"/>, which writes it.</summary>
    private sealed class RouteException(ChatHttpError error, string? allow = null) : Exception(error.Message)
    {
        public ChatHttpError Error { get; } = error;

        public string? Allow { get; } = allow;
    }
}
