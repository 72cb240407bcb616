using ChatBedrock.Http;
using ChatBedrock.Http.AspNetCore;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves ChatBedrock's HTTP surface in an ASP.NET Core app.</summary>
public static class ChatBedrockEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the whole HTTP surface — the chat page at <c>/</c> and <c>/assets/…</c>, turns (<c>GET</c>/<c>POST /</c>,
    /// streamed with <c>accept: text/event-stream</c>), <c>/sessions/{id}…</c>, <c>/status</c> and CORS preflights —
    /// as one catch-all endpoint: the app's own, more specific routes still win, and every other path gets the
    /// surface's JSON 404. <c>AddChatHttp</c>, <c>AddConversationUseCases</c>, a model and a store must be registered.
    /// </summary>
    /// <returns>The group the endpoint belongs to, for conventions such as <c>RequireAuthorization()</c> or <c>RequireRateLimiting()</c>.</returns>
    /// <exception cref="InvalidOperationException"><c>AddChatHttp</c> was not called.</exception>
    public static RouteGroupBuilder MapChatBedrock(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var handler = endpoints.ServiceProvider.GetService<ChatHttpHandler>()
            ?? throw new InvalidOperationException("MapChatBedrock needs ChatBedrock's HTTP surface: call services.AddChatHttp() (with AddConversationUseCases, a model and a store) first.");
        var endpoint = new AspNetCoreChatEndpoint(handler);

        var group = endpoints.MapGroup(string.Empty);
        group.Map("/{**path}", endpoint.HandleAsync).WithDisplayName("ChatBedrock");
        return group;
    }
}
