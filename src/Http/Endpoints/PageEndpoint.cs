namespace ChatBedrock.Http.Endpoints;

/// <summary><c>GET /</c> (the chat page) and <c>GET /assets/*</c> (its files); the route only matches a file that exists.</summary>
internal sealed class PageEndpoint : IChatEndpoint
{
    public Task<ChatHttpError?> HandleAsync(ChatEndpointContext context) =>
        PageAssets.TryGet(context.Request.Path, out var asset)
            ? context.Writer.WriteAssetAsync(context.Exchange, asset)
            : context.WriteErrorAsync(ChatHttpError.NotFound());
}
