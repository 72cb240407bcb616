using ChatBedrock.Application;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.Sqlite.Tests;

/// <summary>A folder of its own for each test's database files, and the repositories opened on them; all removed on dispose.</summary>
internal sealed class TemporaryFolder : IDisposable
{
    private readonly List<ServiceProvider> _providers = [];

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chatbedrock-sqlite-tests", Guid.NewGuid().ToString("N"));

    public string File(string name = "history.db") => System.IO.Path.Combine(Path, name);

    /// <summary>A repository as a host gets it: through the DI extension, with options validated.</summary>
    public IConversationRepository Open(string databasePath, Action<SqliteStoreOptions>? configure = null)
    {
        var provider = new ServiceCollection()
            .AddLogging()
            .AddSqliteConversationRepository(o =>
            {
                o.DatabasePath = databasePath;
                configure?.Invoke(o);
            })
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        provider.GetRequiredService<IStartupValidator>().Validate();
        _providers.Add(provider);
        return provider.GetRequiredService<IConversationRepository>();
    }

    /// <summary>A raw connection to <paramref name="databasePath"/>, outside any pool, as another process would have.</summary>
    public static SqliteConnection Connect(string databasePath)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databasePath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
