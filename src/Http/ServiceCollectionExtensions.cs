using ChatBedrock.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ChatBedrock's HTTP surface.</summary>
public static class ChatBedrockHttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ChatHttpHandler"/> with its options (validated at start-up). Calling it again only
    /// adds <paramref name="configure"/>. The Application's use cases (<c>AddConversationUseCases</c>), a model and a
    /// repository must be registered too; <c>GET /status</c> reports what they say of themselves.
    /// </summary>
    public static IServiceCollection AddChatHttp(this IServiceCollection services, Action<ChatHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<ChatHttpOptions, ChatHttpOptionsValidator>(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TurnLimiter>();

        services.TryAddSingleton(provider =>
        {
            var options = provider.GetRequiredService<IOptions<ChatHttpOptions>>();
            var routes = ChatRoutes.Create(provider);
            var writer = new ChatResponseWriter(new Cors(options.Value, routes.AllowedMethods), provider.GetRequiredService<ILogger<ChatHttpHandler>>());
            return new ChatHttpHandler(routes, writer, options);
        });
        return services;
    }
}
