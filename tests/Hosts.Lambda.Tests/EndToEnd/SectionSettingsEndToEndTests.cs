using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Adapters.DynamoDb;
using ChatBedrock.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Hosts.Lambda.Tests.EndToEnd;

/// <summary>The Lambda host binds the documented sections from its environment (<c>Section__Key</c>), not only <c>CHAT_*</c>.</summary>
public sealed class SectionSettingsEndToEndTests(AwsBackends aws)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DynamoDbKeyAndHistoryAttributeNames_FromTheEnvironment_ReachTheStore()
    {
        // A LangChain.js table: key "id", history in "messages".
        var table = "JsHistory" + Guid.NewGuid().ToString("N")[..8];
        await aws.TestBed.DynamoDb.CreateTableAsync(new CreateTableRequest
        {
            TableName = table,
            BillingMode = BillingMode.PAY_PER_REQUEST,
            AttributeDefinitions = [new AttributeDefinition("id", ScalarAttributeType.S)],
            KeySchema = [new KeySchemaElement("id", KeyType.HASH)],
        }, Ct);
        await using var bedrock = await aws.TestBed.StartBedrockAsync(Ct);
        var environment = aws.TestBed.Environment(bedrock);
        environment["CHAT_TABLE_NAME"] = table;
        // As AddEnvironmentVariables reads DynamoDb__PartitionKeyName and DynamoDb__HistoryAttributeName.
        environment["DynamoDb:PartitionKeyName"] = "id";
        environment["DynamoDb:HistoryAttributeName"] = "messages";
        await using var host = LambdaHostFixture.StartWithRealAdapters(environment);
        var session = RealAdapterHost.NewSessionId();

        var call = await host.InvokeAsync($$"""{"input_text": "hello", "session_id": "{{session}}"}""");

        call.IsError.Should().BeFalse();
        var item = await aws.TestBed.DynamoDb.GetItemAsync(table, new() { ["id"] = new AttributeValue(session) }, Ct);
        item.Item.Should().ContainKey("messages").And.NotContainKey("History");
    }

    [Fact]
    public void EnvironmentVariables_WithDoubleUnderscores_BindTheSections()
    {
        var prefix = "CHATBEDROCK_TEST_" + Guid.NewGuid().ToString("N")[..8] + "_";
        Environment.SetEnvironmentVariable(prefix + "DynamoDb__PartitionKeyName", "id");
        Environment.SetEnvironmentVariable(prefix + "Conversation__MaxHistoryMessages", "8");
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            using var services = new ServiceCollection().AddLogging().AddChatBedrock(ChatBedrockSettings.Read(configuration)).BuildServiceProvider();

            services.GetRequiredService<IOptions<DynamoDbStoreOptions>>().Value.PartitionKeyName.Should().Be("id");
            services.GetRequiredService<IOptions<ChatBedrock.Application.ConversationOptions>>().Value.MaxHistoryMessages.Should().Be(8);
        }
        finally
        {
            Environment.SetEnvironmentVariable(prefix + "DynamoDb__PartitionKeyName", null);
            Environment.SetEnvironmentVariable(prefix + "Conversation__MaxHistoryMessages", null);
        }
    }
}
