using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Dynalite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

[assembly: AssemblyFixture(typeof(ChatBedrock.Adapters.DynamoDb.Tests.DynamoDbFixture))]

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>
/// One dynalite server for the whole test assembly, with the two tables the layouts use and a table with
/// LangChain.js's default key. Tests keep apart by using fresh session ids (or their own tables).
/// </summary>
public sealed class DynamoDbFixture : IAsyncLifetime
{
    public const string LangChainTable = "ChatMessageHistory";
    public const string TurnsTable = "ChatTurns";

    /// <summary>A table as LangChain.js's documentation creates it: partition key <c>id</c>, messages in <c>messages</c>.</summary>
    public const string LangChainJsTable = "LangChainJsHistory";
    public const string Region = "ap-northeast-1";

    private readonly DynaliteServer _server = new();
    private readonly List<ServiceProvider> _providers = [];

    public Uri Endpoint { get; private set; } = null!;

    public AmazonDynamoDBClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Endpoint = await _server.StartAsync(TestContext.Current.CancellationToken);
        Client = CreateClient(Endpoint);
        await CreateLangChainTableAsync(Client, LangChainTable);
        await CreateTurnsTableAsync(Client, TurnsTable);
        await CreateTableAsync(Client, new DynamoDbStoreOptions { TableName = LangChainJsTable, PartitionKeyName = "id" });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        Client?.Dispose();
        await _server.DisposeAsync();
    }

    /// <summary>A client with dummy credentials; dynalite checks none.</summary>
    public static AmazonDynamoDBClient CreateClient(Uri endpoint, int? maxErrorRetry = null)
    {
        var config = new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = Region };
        if (maxErrorRetry is { } retries)
        {
            config.MaxErrorRetry = retries;
        }

        return new AmazonDynamoDBClient(new BasicAWSCredentials("test", "test"), config);
    }

    /// <summary>The hands-on's table: partition key SessionId (S), nothing else.</summary>
    public static Task CreateLangChainTableAsync(IAmazonDynamoDB client, string name) =>
        CreateTableAsync(client, new DynamoDbStoreOptions { TableName = name });

    /// <summary>The turns layout's table: partition key (S) and sort key (N).</summary>
    public static Task CreateTurnsTableAsync(IAmazonDynamoDB client, string name, string partitionKey = "SessionId", string sortKey = "Turn") =>
        CreateTableAsync(client, new DynamoDbStoreOptions
        {
            TableName = name,
            Layout = DynamoDbStoreLayout.Turns,
            PartitionKeyName = partitionKey,
            SortKeyName = sortKey,
        });

    private static Task CreateTableAsync(IAmazonDynamoDB client, DynamoDbStoreOptions options) =>
        StoreTableSchema.CreateAsync(client, options, TestContext.Current.CancellationToken);

    /// <summary>Writes a raw item to the LangChain table, as another tool would.</summary>
    public async Task PutLangChainItemAsync(Dictionary<string, AttributeValue> item) =>
        await Client.PutItemAsync(new PutItemRequest { TableName = LangChainTable, Item = item }, TestContext.Current.CancellationToken);

    /// <summary>Writes a LangChain item holding <paramref name="history"/>.</summary>
    public Task PutLangChainHistoryAsync(SessionId id, List<AttributeValue> history) =>
        PutLangChainItemAsync(new() { ["SessionId"] = new AttributeValue { S = id.Value }, ["History"] = new AttributeValue { L = history } });

    /// <summary>The raw item of a session in the LangChain table.</summary>
    public async Task<Dictionary<string, AttributeValue>> GetLangChainItemAsync(SessionId id) =>
        (await Client.GetItemAsync(
            new GetItemRequest { TableName = LangChainTable, Key = new() { ["SessionId"] = new AttributeValue { S = id.Value } }, ConsistentRead = true },
            TestContext.Current.CancellationToken)).Item;

    /// <summary>The raw turn items of a session in the turns table, oldest first (not its counter item).</summary>
    public async Task<List<Dictionary<string, AttributeValue>>> GetTurnItemsAsync(SessionId id) =>
        (await GetSessionItemsAsync(id)).Where(i => i["Turn"].N != "0").ToList();

    /// <summary>Every raw item of a session in the turns table, its counter item (Turn 0) first.</summary>
    public async Task<List<Dictionary<string, AttributeValue>>> GetSessionItemsAsync(SessionId id) =>
        (await Client.QueryAsync(
            new QueryRequest
            {
                TableName = TurnsTable,
                KeyConditionExpression = "SessionId = :id",
                ExpressionAttributeValues = new() { [":id"] = new AttributeValue { S = id.Value } },
                ConsistentRead = true,
            },
            TestContext.Current.CancellationToken)).Items;

    /// <summary>Writes turn items as the store did before it had a counter (or as another writer would).</summary>
    public async Task PutTurnItemsAsync(SessionId id, params int[] turns)
    {
        foreach (var turn in turns)
        {
            await Client.PutItemAsync(
                new PutItemRequest
                {
                    TableName = TurnsTable,
                    Item = new()
                    {
                        ["SessionId"] = new AttributeValue { S = id.Value },
                        ["Turn"] = new AttributeValue { N = turn.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                        ["User"] = new AttributeValue { S = $"q{turn}" },
                        ["Assistant"] = new AttributeValue { S = $"a{turn}" },
                    },
                },
                TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A repository wired the way a host wires it, on this fixture's client unless given another.</summary>
    public IConversationRepository Repository(
        DynamoDbStoreLayout layout,
        Action<DynamoDbStoreOptions>? configure = null,
        TimeProvider? time = null,
        ILoggerProvider? logs = null,
        IAmazonDynamoDB? client = null)
    {
        var services = new ServiceCollection().AddSingleton<IAmazonDynamoDB>(client ?? Client);
        services.AddLogging(builder =>
        {
            if (logs is not null)
            {
                builder.AddProvider(logs).SetMinimumLevel(LogLevel.Debug);
            }
        });
        if (time is not null)
        {
            services.AddSingleton(time);
        }

        services.AddDynamoDbConversationRepository(o =>
        {
            o.Layout = layout;
            o.TableName = layout == DynamoDbStoreLayout.Turns ? TurnsTable : LangChainTable;
            configure?.Invoke(o);
        });
        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider.GetRequiredService<IConversationRepository>();
    }
}
