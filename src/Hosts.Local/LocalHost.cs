using ChatBedrock.Adapters.Sqlite;
using ChatBedrock.Application;
using ChatBedrock.Hosting;
using ChatBedrock.Hosts.Local.Models;
using ChatBedrock.Http;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Hosts.Local;

/// <summary>What <see cref="LocalHost.BuildAsync"/> needs beyond the command line and the environment; tests replace the defaults.</summary>
internal sealed record LocalHostOptions
{
    /// <summary>The command line: <c>--urls</c>, <c>--store</c>, <c>--model-provider</c>, <c>--model</c>, or any <c>--Section:Key value</c>.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>Settings that win over every other source.</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>What <c>--model-provider</c> chooses from; <c>auto</c> tries them in this order.</summary>
    public IReadOnlyList<IModelProvider> ModelProviders { get; init; } = [new BedrockModelProvider(), new LocalModelProvider()];

    /// <summary>Registers services before the host's, which then give way to them.</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// ChatBedrock on one machine: Kestrel serves the shared HTTP surface (the chat page, the API, streaming) on
/// <see cref="DefaultUrl"/> unless <c>--urls</c> says otherwise, with the store of <c>--store</c> and
/// the model of <c>--model-provider</c>. It starts whatever is missing: the page and <c>GET /status</c> say
/// what to configure.
/// </summary>
internal static partial class LocalHost
{
    public const string DefaultUrl = "http://127.0.0.1:5000";
    public const string StoreVariable = "CHAT_STORE";
    public const string ModelProviderVariable = "CHAT_MODEL_PROVIDER";
    public const string DefaultStore = "sqlite";

    public const string Usage = """
        ChatBedrock on this machine: the chat page and the HTTP API on http://127.0.0.1:5000.

        Options:
          --urls <url>                       where to listen (default http://127.0.0.1:5000)
          --store sqlite|memory|dynamodb     where the history is kept (default sqlite; CHAT_STORE)
          --model-provider auto|bedrock|local
                                             which model answers (default auto: Bedrock when AWS credentials
                                             resolve, else the local model; CHAT_MODEL_PROVIDER)
          --model <path.gguf>                the local model's file (default: download Qwen2.5-0.5B-Instruct once)
          --allowed-hosts <name,...>         further Host names to answer to, or * for any (default: loopback
                                             names and the --urls hosts; CHAT_ALLOWED_HOSTS)
          --max-connections <n>              open connections at most (default 100; CHAT_MAX_CONNECTIONS)
          --max-concurrent-turns <n>         turns at once; more are answered 503 (default 16;
                                             CHAT_MAX_CONCURRENT_TURNS)
          --<Section>:<Key> <value>          any other setting, e.g. --Sqlite:DatabasePath ./history.db

        The CHAT_* environment variables of the Lambda host apply too (CHAT_MODEL_ID, CHAT_MODEL_REGION, ...).
        """;

    // The switches, and the settings they set (so the environment can set them too).
    private static readonly Dictionary<string, string> Switches = new(StringComparer.Ordinal)
    {
        ["--store"] = StoreVariable,
        ["--model-provider"] = ModelProviderVariable,
        ["--model"] = "LlamaSharp:ModelPath",
        ["--allowed-hosts"] = LocalLimits.AllowedHostsVariable,
        ["--max-connections"] = LocalLimits.MaxConnectionsVariable,
        ["--max-concurrent-turns"] = LocalLimits.MaxConcurrentTurnsVariable,
    };

    private static readonly Dictionary<string, Action<IServiceCollection, IConfiguration, ChatBedrockSettings>> Stores = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sqlite"] = (services, configuration, _) => services
            .Configure<SqliteStoreOptions>(configuration.GetSection(SqliteStoreOptions.SectionName))
            .AddSqliteConversationRepository(),
        ["memory"] = (services, _, _) => services.AddInMemoryConversationRepository(),
        ["dynamodb"] = (services, _, settings) => services.AddDynamoDbConversationRepository(settings),
    };

    public static bool IsHelp(IReadOnlyList<string> args) => args.Any(a => a is "--help" or "-h" or "-?");

    /// <summary>
    /// Builds the host, ready to run: settings read and validated (a <see cref="ChatConfigurationException"/>
    /// names every bad one), the model provider chosen and logged.
    /// </summary>
    public static async Task<WebApplication> BuildAsync(LocalHostOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [.. options.Args] });
        builder.Configuration.AddCommandLine([.. options.Args], Switches);
        if (options.Settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(options.Settings);
        }

        var configuration = builder.Configuration;
        var urls = configuration[WebHostDefaults.ServerUrlsKey] ?? DefaultUrl;
        builder.WebHost.UseSetting(WebHostDefaults.ServerUrlsKey, urls);
        builder.Logging
            .AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss "))
            .AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);

        var providers = new ModelProviders(options.ModelProviders);
        var (settings, store, providerName, limits) = ReadSettings(configuration, providers, urls);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxConcurrentConnections = limits.MaxConnections;
        });
        var context = new ModelProviderContext(configuration, settings);
        var choice = await providers.ChooseAsync(providerName, context, cancellationToken).ConfigureAwait(false);

        var services = builder.Services;
        options.ConfigureServices?.Invoke(services);
        choice.Provider.Register(services, context);
        Stores[store](services, configuration, settings);
        services.AddChatBedrockCore(settings);
        services.Configure<ConversationOptions>(configuration.GetSection(ConversationOptions.SectionName));
        services.Configure<ChatHttpOptions>(o =>
        {
            o.MaxConcurrentTurns = limits.MaxConcurrentTurns;
            foreach (var host in limits.Hosts)
            {
                o.AllowedHosts.Add(host);
            }
        });
        services.Configure<ChatHttpOptions>(configuration.GetSection(ChatHttpOptions.SectionName));
        services.AddSingleton(limits);

        var app = builder.Build();
        try
        {
            app.Services.ValidateChatBedrock();
            await LogStartAsync(app.Services, choice, settings, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        app.MapChatBedrock();
        return app;
    }

    private static (ChatBedrockSettings Settings, string Store, string ModelProvider, LocalLimits Limits) ReadSettings(
        ConfigurationManager configuration, ModelProviders providers, string urls)
    {
        var problems = new List<string>();
        var store = Choice(StoreVariable, "--store", DefaultStore, Stores.Keys.ToList());
        var provider = Choice(ModelProviderVariable, "--model-provider", ModelProviders.Auto, providers.Names);
        var limits = LocalLimits.Read(configuration, urls, problems);
        ChatBedrockSettings? settings = null;
        try
        {
            settings = ChatBedrockSettings.Read(configuration);
        }
        catch (ChatConfigurationException invalid)
        {
            problems.InsertRange(0, invalid.Problems);
        }

        return problems.Count == 0 ? (settings!, store, provider, limits) : throw new ChatConfigurationException(problems);

        string Choice(string variable, string option, string fallback, IReadOnlyList<string> allowed)
        {
            var value = configuration[variable] is { } text && !string.IsNullOrWhiteSpace(text) ? text.Trim() : fallback;
            if (!allowed.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"{option} ({variable}) must be {string.Join(", ", allowed.SkipLast(1))} or {allowed[^1]} (was '{value}').");
            }

            return value;
        }
    }

    private static async Task LogStartAsync(IServiceProvider services, ModelChoice choice, ChatBedrockSettings settings, CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatBedrock.Hosts.Local");
        var status = await services.GetRequiredService<GetServiceStatus>().ExecuteAsync(cancellationToken).ConfigureAwait(false);
        var model = status.Model;
        LogModel(logger, model.Provider, model.ModelId, choice.Reason);
        if (!model.Ready)
        {
            LogModelNotReady(logger, model.Message ?? string.Empty);
        }

        var store = status.Store;
        var where = store == "sqlite" ? services.GetRequiredService<IOptions<SqliteStoreOptions>>().Value.DatabasePath
            : store == "dynamodb" ? $"table {settings.TableName}"
            : "in memory, lost when the host stops";
        LogStore(logger, store, where);
    }

    [LoggerMessage(1, LogLevel.Information, "Model: {Provider} {ModelId} (chosen by {Reason})")]
    private static partial void LogModel(ILogger logger, string provider, string modelId, string reason);

    [LoggerMessage(2, LogLevel.Warning, "The model cannot answer yet: {Message}")]
    private static partial void LogModelNotReady(ILogger logger, string message);

    [LoggerMessage(3, LogLevel.Information, "Store: {Store} ({Where})")]
    private static partial void LogStore(ILogger logger, string store, string where);
}
