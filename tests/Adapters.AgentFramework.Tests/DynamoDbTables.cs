using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using ChatBedrock.Adapters.DynamoDb;
using ChatBedrock.Application;
using ChatBedrock.Testing.Dynalite;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(ChatBedrock.Adapters.AgentFramework.Tests.DynamoDbTables))]

namespace ChatBedrock.Adapters.AgentFramework.Tests;

/// <summary>One dynalite server for the assembly, with a table for each history layout. Tests keep apart by fresh session ids.</summary>
public sealed class DynamoDbTables : IAsyncLifetime
{
    public const string LangChainTable = "AgentHistory";
    public const string TurnsTable = "AgentTurns";

    private readonly DynaliteServer _server = new();
    private readonly List<ServiceProvider> _providers = [];

    public AmazonDynamoDBClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var endpoint = await _server.StartAsync(TestContext.Current.CancellationToken);
        Client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("test", "test"),
            new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = "ap-northeast-1" });
        await CreateTableAsync(LangChainTable, new KeySchemaElement("SessionId", KeyType.HASH));
        await CreateTableAsync(TurnsTable, new KeySchemaElement("SessionId", KeyType.HASH), new KeySchemaElement("Turn", KeyType.RANGE));
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

    /// <summary>The DynamoDB store of <paramref name="layout"/>, wired as a host wires it.</summary>
    public IConversationRepository Repository(DynamoDbStoreLayout layout)
    {
        var services = new ServiceCollection().AddLogging().AddSingleton<IAmazonDynamoDB>(Client);
        services.AddDynamoDbConversationRepository(o =>
        {
            o.Layout = layout;
            o.TableName = layout == DynamoDbStoreLayout.Turns ? TurnsTable : LangChainTable;
        });
        var provider = services.BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider.GetRequiredService<IConversationRepository>();
    }

    /// <summary>The raw item of a session in the LangChain-layout table.</summary>
    public async Task<Dictionary<string, AttributeValue>> LangChainItemAsync(string sessionId) =>
        (await Client.GetItemAsync(
            new GetItemRequest { TableName = LangChainTable, Key = new() { ["SessionId"] = new AttributeValue { S = sessionId } }, ConsistentRead = true },
            TestContext.Current.CancellationToken)).Item;

    private async Task CreateTableAsync(string name, params KeySchemaElement[] keys)
    {
        await Client.CreateTableAsync(
            new CreateTableRequest
            {
                TableName = name,
                BillingMode = BillingMode.PAY_PER_REQUEST,
                KeySchema = [.. keys],
                AttributeDefinitions = [.. keys.Select(k => new AttributeDefinition(k.AttributeName, k.KeyType == KeyType.HASH ? ScalarAttributeType.S : ScalarAttributeType.N))],
            },
            TestContext.Current.CancellationToken);
    }
}
