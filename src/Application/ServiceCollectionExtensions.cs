using ChatBedrock.Application;
using ChatBedrock.Application.InMemory;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ChatBedrock's use cases and the in-memory store.</summary>
public static class ChatBedrockApplicationServiceCollectionExtensions
{
    /// <summary>
    /// Registers every use case (<see cref="ContinueConversation"/> with its options, validated at start-up;
    /// <see cref="ReadConversation"/>, <see cref="ReadConversationUsage"/>, <see cref="DeleteConversation"/>, <see cref="GetServiceStatus"/>, <see cref="RedoLastTurn"/>, <see cref="ImportConversation"/>) and
    /// <see cref="TimeProvider.System"/> when no time provider is registered. Calling it again only adds
    /// <paramref name="configure"/>. A model and a repository must be registered separately.
    /// </summary>
    public static IServiceCollection AddConversationUseCases(this IServiceCollection services, Action<ConversationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<ConversationOptions, ConversationOptionsValidator>(configure);

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ServiceStatusOptions>();
        services.TryAddSingleton<ContinueConversation>();
        services.TryAddSingleton<ReadConversation>();
        services.TryAddSingleton<ReadConversationUsage>();
        services.TryAddSingleton<DeleteConversation>();
        services.TryAddSingleton<GetServiceStatus>();
        services.TryAddSingleton<RedoLastTurn>();
        services.TryAddSingleton<ImportConversation>();
        return services;
    }

    /// <summary>Registers a thread-safe, process-local <see cref="IConversationRepository"/> unless one is registered.</summary>
    public static IServiceCollection AddInMemoryConversationRepository(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IConversationRepository, InMemoryConversationRepository>();
        return services;
    }
}
