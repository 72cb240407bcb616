using ChatBedrock.Adapters.ExtensionsAI;
using ChatBedrock.Application;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a Microsoft.Extensions.AI <see cref="IChatClient"/> as ChatBedrock's <see cref="ILanguageModel"/>.</summary>
public static class ChatBedrockExtensionsAIServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ILanguageModel"/> over the container's <see cref="IChatClient"/> (keyed by
    /// <paramref name="serviceKey"/> when given, e.g. one added with <c>AddKeyedChatClient</c>) unless a model is
    /// registered. The client is resolved with the model; registering it is the caller's part. Calling it again changes nothing.
    /// </summary>
    public static IServiceCollection AddChatClientLanguageModel(this IServiceCollection services, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<ILanguageModel>(provider => new ChatClientLanguageModel(
            serviceKey is null ? provider.GetRequiredService<IChatClient>() : provider.GetRequiredKeyedService<IChatClient>(serviceKey),
            provider.GetService<ILoggerFactory>()?.CreateLogger<ChatClientLanguageModel>() ?? Logging.Abstractions.NullLogger<ChatClientLanguageModel>.Instance));
        return services;
    }
}
