using ChatBedrock.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ChatBedrock's HTTP surface.</summary>
public static class ChatBedrockHttpServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ChatHttpHandler"/> with its options (validated at start-up). Calling it again only
    /// adds <paramref name="configure"/>. The use case, a model and a repository must be registered too. The model's
    /// status is <see cref="ChatHttpOptions.Model"/> unless an <see cref="IModelStatus"/> is registered.
    /// </summary>
    public static IServiceCollection AddChatHttp(this IServiceCollection services, Action<ChatHttpOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<ChatHttpOptions, ChatHttpOptionsValidator>(configure);

        services.TryAddSingleton<IModelStatus, OptionsModelStatus>();
        services.TryAddSingleton<ChatHttpHandler>();
        return services;
    }
}
