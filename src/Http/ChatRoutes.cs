using System.Diagnostics.CodeAnalysis;
using ChatBedrock.Http.Endpoints;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Http;

/// <summary>
/// ChatBedrock's HTTP API. A new route is one entry here and one <see cref="IChatEndpoint"/> class; its
/// methods reach <c>Allow</c>, CORS and the logs from this table. Entries are tried in order.
/// </summary>
internal static class ChatRoutes
{
    public static ChatRouteTable Create(IServiceProvider services)
    {
        var endpoints = new Dictionary<Type, IChatEndpoint>();
        return new ChatRouteTable(
        [
            new("/", ["GET"], Endpoint<TurnEndpoint>(), When: HasInputText, OwnSiteOnly: true, Head: false),
            new("/", ["GET"], Endpoint<PageEndpoint>()),
            new("/", ["POST"], Endpoint<TurnStreamEndpoint>(), When: WantsEventStream, OwnSiteOnly: true),
            new("/", ["POST"], Endpoint<TurnEndpoint>(), OwnSiteOnly: true),
            new("/status", ["GET"], Endpoint<StatusEndpoint>()),
            new("/assets/{*file}", ["GET"], Endpoint<PageEndpoint>(), Name: "/assets/*", When: r => PageAssets.TryGet(r.Path, out _)),
            new("/sessions/{id}/messages", ["GET"], Endpoint<SessionMessagesEndpoint>(), OwnSiteOnly: true),
            new("/sessions/{id}/usage", ["GET"], Endpoint<SessionUsageEndpoint>(), OwnSiteOnly: true),
            new("/sessions/{id}/turns/last", ["POST"], Endpoint<LastTurnEndpoint>(), OwnSiteOnly: true),
            new("/sessions/import", ["POST"], Endpoint<SessionImportEndpoint>(), OwnSiteOnly: true),
            new("/sessions/{id}", ["DELETE"], Endpoint<SessionDeleteEndpoint>(), OwnSiteOnly: true),
        ]);

        // One instance per endpoint class, its dependencies from the container.
        IChatEndpoint Endpoint<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] T>()
            where T : IChatEndpoint
        {
            if (!endpoints.TryGetValue(typeof(T), out var endpoint))
            {
                endpoints[typeof(T)] = endpoint = ActivatorUtilities.CreateInstance<T>(services);
            }

            return endpoint;
        }
    }

    /// <summary><c>GET /?input_text=...</c> is a turn (the seed's API); <c>GET /</c> without it is the page.</summary>
    private static bool HasInputText(ChatHttpRequest request) => ChatRequestReader.HasQueryKey(request.QueryString, "input_text");

    internal static bool WantsEventStream(ChatHttpRequest request) =>
        request.Header("accept") is { } accept && accept.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase);
}
