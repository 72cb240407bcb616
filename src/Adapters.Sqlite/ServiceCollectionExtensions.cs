using ChatBedrock.Adapters.Sqlite;
using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers ChatBedrock's SQLite store.</summary>
public static class ChatBedrockSqliteServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="IConversationRepository"/> on an embedded SQLite file unless a repository is
    /// already registered, with <see cref="SqliteStoreOptions"/> validated at start-up. Calling it again only
    /// adds <paramref name="configure"/>. The file is created on first use.
    /// </summary>
    public static IServiceCollection AddSqliteConversationRepository(this IServiceCollection services, Action<SqliteStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<SqliteStoreOptions, SqliteHistoryOptionsValidator>(configure);

        services.TryAddSingleton<IConversationRepository, SqliteConversationRepository>();
        return services;
    }
}
