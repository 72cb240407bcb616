namespace ChatBedrock.Http.Endpoints;

/// <summary>
/// Answers the requests of one or more routes of <see cref="ChatRoutes"/>. It calls use cases only (never a
/// repository or a model) and writes through <see cref="ChatEndpointContext"/>, which owns headers, CORS and the
/// error shape. A <see cref="Domain.ChatException"/> thrown before anything is written (e.g. while reading the
/// request) is answered as an error by <see cref="ChatHttpHandler"/>.
/// </summary>
internal interface IChatEndpoint
{
    /// <returns>The error the request ended with, already written; null when it succeeded.</returns>
    Task<ChatHttpError?> HandleAsync(ChatEndpointContext context);
}

/// <summary>
/// One request being answered by an endpoint: the request, its route's parameters, and the writer. The caller's
/// identity, once requests are authenticated, is resolved before dispatch and joins here as one more property.
/// </summary>
internal sealed class ChatEndpointContext(ChatHttpRequest request, RouteValues values, ChatExchange exchange, ChatResponseWriter writer)
{
    public ChatHttpRequest Request { get; } = request;

    /// <summary>The parameters of the route's template, e.g. <c>id</c> of <c>/sessions/{id}</c>.</summary>
    public RouteValues Values { get; } = values;

    public ChatExchange Exchange { get; } = exchange;

    public ChatResponseWriter Writer { get; } = writer;

    public CancellationToken CancellationToken => Exchange.CancellationToken;

    public Task<ChatHttpError?> WriteJsonAsync(int status, byte[] body) => Writer.WriteJsonAsync(Exchange, status, body);

    public Task<ChatHttpError?> WriteNoContentAsync() => Writer.WriteNoContentAsync(Exchange);

    /// <summary>Maps a failure of a use case (<see cref="ChatHttpError.From"/>) and writes it.</summary>
    public async Task<ChatHttpError?> WriteErrorAsync(Exception exception) => await Writer.WriteErrorAsync(Exchange, exception).ConfigureAwait(false);

    public async Task<ChatHttpError?> WriteErrorAsync(ChatHttpError error) => await Writer.WriteErrorAsync(Exchange, error).ConfigureAwait(false);
}
