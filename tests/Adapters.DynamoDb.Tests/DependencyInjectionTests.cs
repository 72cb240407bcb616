using Amazon.DynamoDBv2;
using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

public sealed class DependencyInjectionTests(DynamoDbFixture dynamo)
{
    private static ServiceProvider Build(Action<DynamoDbStoreOptions>? configure) =>
        new ServiceCollection().AddDynamoDbConversationRepository(configure).BuildServiceProvider();

    public static TheoryData<string, Action<DynamoDbStoreOptions>> BadOptions => new()
    {
        { "TableName", o => o.TableName = "ab" },
        { "TableName", o => o.TableName = "has space" },
        { "Layout", o => o.Layout = (DynamoDbStoreLayout)7 },
        { "PartitionKeyName", o => o.PartitionKeyName = "" },
        { "SortKeyName", o => o.SortKeyName = new string('k', 256) },
        { "SortKeyName", o => o.SortKeyName = "SessionId" },
        { "TimeToLiveAttributeName", o => o.TimeToLiveAttributeName = "History" },
        { "HistoryAttributeName", o => o.HistoryAttributeName = "" },
        { "PartitionKeyName", o => (o.PartitionKeyName, o.HistoryAttributeName) = ("id", "id") },
        { "TimeToLiveAttributeName", o => o.HistoryAttributeName = "expireAt" },
        { "TimeToLive", o => o.TimeToLive = TimeSpan.FromSeconds(5) },
        { "ServiceUrl", o => o.ServiceUrl = "localhost:8000" },
        { "Region", o => o.Region = "Tokyo" },
    };

    [Theory]
    [MemberData(nameof(BadOptions))]
    public void StartupValidation_WithBadOption_FailsNamingTheSetting(string setting, Action<DynamoDbStoreOptions> configure)
    {
        using var provider = Build(configure);

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage($"*DynamoDb:{setting} *");
    }

    [Fact]
    public void StartupValidation_WithDefaults_PassesWithTheHandsOnsTable()
    {
        using var provider = Build(null);

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value;
        options.TableName.Should().Be("ChatMessageHistory");
        options.Layout.Should().Be(DynamoDbStoreLayout.LangChain);
        options.PartitionKeyName.Should().Be("SessionId");
        options.HistoryAttributeName.Should().Be("History");
        options.SortKeyName.Should().Be("Turn");
        options.TimeToLiveAttributeName.Should().Be("expireAt");
        options.TimeToLive.Should().BeNull();
        options.ConsistentRead.Should().BeTrue();
    }

    [Fact]
    public void StartupValidation_WithLangChainJsNames_Passes()
    {
        using var provider = Build(o => (o.PartitionKeyName, o.HistoryAttributeName) = ("id", "messages"));

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Register_Twice_AddsNoDuplicates()
    {
        var services = new ServiceCollection();

        services.AddDynamoDbConversationRepository();
        var count = services.Count;
        services.AddDynamoDbConversationRepository();

        services.Count(d => d.ServiceType == typeof(IConversationRepository)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IValidateOptions<DynamoDbStoreOptions>)).Should().Be(1);
        services.Count.Should().BeLessThanOrEqualTo(count + 1, "only the options' ValidateOnStart marker may repeat");
    }

    [Fact]
    public void Register_AfterAnotherRepository_KeepsIt()
    {
        var services = new ServiceCollection().AddInMemoryConversationRepository();

        services.AddDynamoDbConversationRepository();

        services.Should().ContainSingle(d => d.ServiceType == typeof(IConversationRepository))
            .Which.ImplementationType!.Name.Should().Be("InMemoryConversationRepository");
    }

    [Theory]
    [InlineData(DynamoDbStoreLayout.LangChain, typeof(LangChainConversationRepository))]
    [InlineData(DynamoDbStoreLayout.Turns, typeof(TurnsConversationRepository))]
    public void Resolve_GivesTheRepositoryOfTheLayout(DynamoDbStoreLayout layout, Type expected)
    {
        dynamo.Repository(layout).Should().BeOfType(expected);
    }

    [Fact]
    public async Task Resolve_WithTheHostsClient_UsesItAndLeavesItUndisposed()
    {
        using var client = DynamoDbFixture.CreateClient(dynamo.Endpoint);
        var provider = new ServiceCollection().AddSingleton<IAmazonDynamoDB>(client).AddDynamoDbConversationRepository().BuildServiceProvider();

        provider.GetRequiredService<DynamoDbClientLease>().Client.Should().BeSameAs(client);
        await provider.DisposeAsync();

        var tables = await client.ListTablesAsync(TestContext.Current.CancellationToken);
        tables.TableNames.Should().Contain(DynamoDbFixture.LangChainTable);
    }

    [Fact]
    public async Task Resolve_WithoutAHostClient_BuildsOneFromTheOptionsAndDisposesIt()
    {
        var provider = Build(o => (o.ServiceUrl, o.Region) = ("http://127.0.0.1:1/", "ap-northeast-1"));
        var client = provider.GetRequiredService<DynamoDbClientLease>().Client;

        client.Config.ServiceURL.Should().Be("http://127.0.0.1:1/");
        client.Config.AuthenticationRegion.Should().Be("ap-northeast-1");
        await provider.DisposeAsync();

        var act = () => client.ListTablesAsync(TestContext.Current.CancellationToken);
        await act.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public void Resolve_WithARegionOnly_UsesTheRegionsEndpoint()
    {
        using var client = DynamoDbClientLease.Create(new DynamoDbStoreOptions { Region = "ap-northeast-1" }, _ => null);

        client.Config.RegionEndpoint.SystemName.Should().Be("ap-northeast-1");
        client.Config.ServiceURL.Should().BeNull();
    }

    [Theory]
    [InlineData("http://option", "http://dynamodb-variable", "http://variable", "http://option")]
    [InlineData(null, "http://dynamodb-variable", "http://variable", "http://dynamodb-variable")]
    [InlineData(null, null, "http://variable", "http://variable")]
    [InlineData(null, "", "http://variable", "http://variable")]
    [InlineData(null, null, null, null)]
    public void ServiceUrl_PrefersTheSettingThenTheDynamoDbVariableThenTheGeneralOne(string? setting, string? dynamoDbVariable, string? generalVariable, string? expected)
    {
        var environment = new Dictionary<string, string?> { ["AWS_ENDPOINT_URL_DYNAMODB"] = dynamoDbVariable, ["AWS_ENDPOINT_URL"] = generalVariable };

        DynamoDbClientLease.ServiceUrl(new DynamoDbStoreOptions { ServiceUrl = setting }, name => environment[name]).Should().Be(expected);
    }
}
