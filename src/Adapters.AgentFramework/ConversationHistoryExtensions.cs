using ChatBedrock.Adapters.AgentFramework;
using ChatBedrock.Application;
using Microsoft.Agents.AI;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>ChatBedrock's stores as Microsoft Agent Framework chat history providers.</summary>
public static class ConversationHistoryExtensions
{
    /// <summary>
    /// A <see cref="ChatHistoryProvider"/> that keeps agent sessions' history in <paramref name="repository"/>
    /// (DynamoDB in either layout, SQLite, in memory), e.g. for <c>ChatClientAgentOptions.ChatHistoryProvider</c>.
    /// </summary>
    public static ChatHistoryProvider AsChatHistoryProvider(
        this IConversationRepository repository,
        ConversationHistoryOptions? options = null,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(repository);
        options ??= new ConversationHistoryOptions();
        var invalid = new ConversationHistoryOptionsValidator().Validate(null, options);
        if (invalid.Failed)
        {
            throw new OptionsValidationException(string.Empty, typeof(ConversationHistoryOptions), invalid.Failures);
        }

        return new ConversationHistoryProvider(
            repository,
            options,
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ConversationHistoryProvider>());
    }

    /// <summary>
    /// Registers a <see cref="ChatHistoryProvider"/> on the container's <see cref="IConversationRepository"/> (register
    /// one, e.g. with <c>AddDynamoDbConversationRepository</c>), with <see cref="ConversationHistoryOptions"/> validated
    /// at start-up. Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddConversationHistoryProvider(this IServiceCollection services, Action<ConversationHistoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<ConversationHistoryOptions, ConversationHistoryOptionsValidator>(configure);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ChatHistoryProvider>(provider => new ConversationHistoryProvider(
            provider.GetRequiredService<IConversationRepository>(),
            provider.GetRequiredService<IOptions<ConversationHistoryOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()?.CreateLogger<ConversationHistoryProvider>() ?? NullLogger<ConversationHistoryProvider>.Instance));
        return services;
    }
}
