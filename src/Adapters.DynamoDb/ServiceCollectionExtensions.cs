using ChatBedrock.Adapters.DynamoDb;
using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the DynamoDB store.</summary>
public static class ChatBedrockDynamoDbServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IConversationRepository"/> on DynamoDB unless a repository is registered, with
    /// its options validated at start-up. Uses the <c>IAmazonDynamoDB</c> the host registered, if any (and then
    /// leaves disposing it to the host); otherwise builds a client from the options. Calling it again only
    /// adds <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddDynamoDbConversationRepository(this IServiceCollection services, Action<DynamoDbStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<DynamoDbStoreOptions, DynamoDbStoreOptionsValidator>(configure);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DynamoDbClientLease>();
        if (!services.Any(d => d.ServiceType == typeof(IConversationRepository)))
        {
            // Only when DynamoDB is the store: a host's own store must not make it contact DynamoDB.
            services.AddSingleton<IConversationRepository>(CreateRepository);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IWarmUp, DynamoDbWarmUp>());
        }

        return services;
    }

    private static IConversationRepository CreateRepository(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value;
        var logger = (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger("ChatBedrock.Adapters.DynamoDb");
        var table = new StoreTable(services.GetRequiredService<DynamoDbClientLease>().Client, options, services.GetRequiredService<TimeProvider>(), logger);
        return options.Layout == DynamoDbStoreLayout.Turns
            ? new TurnsConversationRepository(table)
            : new LangChainConversationRepository(table);
    }
}
