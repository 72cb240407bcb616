using Amazon.CDK.Assertions;

namespace ChatBedrock.Deploy.Tests;

public sealed class TableTests(CdkFixture cdk)
{
    [Fact]
    public void Table_ByDefault_IsTheSeedsChatMessageHistoryKeyedBySessionId()
    {
        var table = cdk.Synthesize().Resource("AWS::DynamoDB::Table").Properties;

        ((string?)table["TableName"]).Should().Be("ChatMessageHistory");
        table["KeySchema"]!.ToJsonString().Should().Be("""[{"AttributeName":"SessionId","KeyType":"HASH"}]""");
        table["AttributeDefinitions"]!.ToJsonString().Should().Be("""[{"AttributeName":"SessionId","AttributeType":"S"}]""");
    }

    [Fact]
    public void Table_WithTurnsLayout_AddsTheNumericTurnSortKey()
    {
        var stack = cdk.Synthesize(("storeLayout", "turns"));
        var table = stack.Resource("AWS::DynamoDB::Table").Properties;

        table["KeySchema"]!.ToJsonString().Should().Be(
            """[{"AttributeName":"SessionId","KeyType":"HASH"},{"AttributeName":"Turn","KeyType":"RANGE"}]""");
        table["AttributeDefinitions"]!.ToJsonString().Should().Be(
            """[{"AttributeName":"SessionId","AttributeType":"S"},{"AttributeName":"Turn","AttributeType":"N"}]""");
        stack.FunctionEnvironment()["CHAT_STORE_LAYOUT"].Should().Be("turns");
    }

    [Theory]
    [InlineData("langchain")]
    [InlineData("turns")]
    public void Table_IsOnDemandWithTtlOnExpireAtAndPointInTimeRecovery(string layout)
    {
        cdk.Synthesize(("historyLayout", layout)).Template.HasResourceProperties("AWS::DynamoDB::Table", new Dictionary<string, object>
        {
            ["BillingMode"] = "PAY_PER_REQUEST",
            ["TimeToLiveSpecification"] = new Dictionary<string, object> { ["AttributeName"] = "expireAt", ["Enabled"] = true },
            ["PointInTimeRecoverySpecification"] = new Dictionary<string, object> { ["PointInTimeRecoveryEnabled"] = true },
        });
    }

    [Fact]
    public void Table_IsRetainedWhenTheStackIsDeletedOrTheTableReplaced()
    {
        cdk.Synthesize().Template.HasResource("AWS::DynamoDB::Table", new Dictionary<string, object>
        {
            ["DeletionPolicy"] = "Retain",
            ["UpdateReplacePolicy"] = "Retain",
        });
    }

    [Fact]
    public void Table_NameFollowsContext()
    {
        var stack = cdk.Synthesize(("tableName", "OtherHistory"));

        stack.Template.HasResourceProperties("AWS::DynamoDB::Table", new Dictionary<string, object> { ["TableName"] = "OtherHistory" });
        stack.FunctionEnvironment()["CHAT_TABLE_NAME"].Should().Be("${" + stack.Resource("AWS::DynamoDB::Table").LogicalId + "}");
    }

    [Fact]
    public void Outputs_GiveTheFunctionUrlAndTheTableName()
    {
        var stack = cdk.Synthesize();
        var outputs = stack.Json["Outputs"]!.AsObject();

        SynthesizedTemplate.Render(outputs["FunctionUrl"]!["Value"])
            .Should().Be("${" + stack.Resource("AWS::Lambda::Url").LogicalId + ".FunctionUrl}");
        SynthesizedTemplate.Render(outputs["TableName"]!["Value"])
            .Should().Be("${" + stack.Resource("AWS::DynamoDB::Table").LogicalId + "}");
        stack.Template.HasOutput("FunctionName", Match.AnyValue());
    }
}
