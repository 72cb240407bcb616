using ChatBedrock.Application;
using ChatBedrock.Application.InMemory;
using ChatBedrock.Application.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ChatBedrock's use cases and the in-memory store.</summary>
public static class ChatBedrockApplicationServiceCollectionExtensions
{
    /// <summary>
    /// Registers every use case (<see cref="ContinueConversation"/> with its options, validated at start-up;
    /// <see cref="ReadConversation"/>, <see cref="ReadConversationUsage"/>, <see cref="DeleteConversation"/>, <see cref="GetServiceStatus"/>, <see cref="RedoLastTurn"/>, <see cref="ImportConversation"/>) and
    /// <see cref="TimeProvider.System"/> when no time provider is registered. Calling it again only adds
    /// <paramref name="configure"/>. A model and a repository must be registered separately; the use cases see them
    /// through <see cref="TelemetryLanguageModel"/> and <see cref="TelemetryConversationRepository"/>, which cost
    /// next to nothing while no listener subscribes to <see cref="ChatBedrockTelemetry.Name"/>.
    /// </summary>
    public static IServiceCollection AddConversationUseCases(this IServiceCollection services, Action<ConversationOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<ConversationOptions, ConversationOptionsValidator>(configure);

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ServiceStatusOptions>();
        services.AddOptions<ChatTelemetryOptions>();
        services.TryAddSingleton(s => new ContinueConversation(
            new TelemetryLanguageModel(s.GetRequiredService<ILanguageModel>(), s.GetRequiredService<IOptions<ChatTelemetryOptions>>().Value, s.GetRequiredService<TimeProvider>()),
            ObservedRepository(s),
            s.GetRequiredService<IOptions<ConversationOptions>>(),
            s.GetRequiredService<TimeProvider>(),
            s.GetRequiredService<ILogger<ContinueConversation>>()));
        services.TryAddSingleton(s => new ReadConversation(ObservedRepository(s)));
        services.TryAddSingleton(s => new ReadConversationUsage(ObservedRepository(s), s.GetRequiredService<IOptions<ConversationOptions>>()));
        services.TryAddSingleton(s => new DeleteConversation(ObservedRepository(s)));
        services.TryAddSingleton<GetServiceStatus>();
        services.TryAddSingleton<RedoLastTurn>();
        services.TryAddSingleton<ImportConversation>();
        return services;
    }

    private static TelemetryConversationRepository ObservedRepository(IServiceProvider services) =>
        new(services.GetRequiredService<IConversationRepository>(), services.GetRequiredService<TimeProvider>());

    /// <summary>Registers a thread-safe, process-local <see cref="IConversationRepository"/> unless one is registered.</summary>
    public static IServiceCollection AddInMemoryConversationRepository(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<IConversationRepository, InMemoryConversationRepository>();
        return services;
    }
}
