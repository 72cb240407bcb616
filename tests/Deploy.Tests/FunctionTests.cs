namespace ChatBedrock.Deploy.Tests;

public sealed class FunctionTests(CdkFixture cdk)
{
    [Fact]
    public void Function_RunsBootstrapOnProvidedAl2023X8664With256MbAnd30Seconds()
    {
        var function = cdk.Synthesize().Resource("AWS::Lambda::Function").Properties;

        ((string?)function["Runtime"]).Should().Be("provided.al2023");
        ((string?)function["Handler"]).Should().Be("bootstrap");
        function["Architectures"]!.ToJsonString().Should().Be("""["x86_64"]""");
        ((int?)function["MemorySize"]).Should().Be(256);
        ((int?)function["Timeout"]).Should().Be(30);
    }

    [Fact]
    public void Function_CapsConcurrencyAtTenByDefault()
    {
        ((int?)cdk.Synthesize().Resource("AWS::Lambda::Function").Properties["ReservedConcurrentExecutions"]).Should().Be(10);
    }

    [Fact]
    public void Function_TakesMemoryAndConcurrencyCapFromContext()
    {
        // As strings, the way `cdk deploy -c memorySize=512` passes them.
        var function = cdk.Synthesize(("memorySize", "512"), ("reservedConcurrency", "3")).Resource("AWS::Lambda::Function").Properties;

        ((int?)function["MemorySize"]).Should().Be(512);
        ((int?)function["ReservedConcurrentExecutions"]).Should().Be(3);
    }

    [Fact]
    public void Function_LogsJsonToItsOwnLogGroupWithARetentionPeriod()
    {
        var stack = cdk.Synthesize();
        var function = stack.Resource("AWS::Lambda::Function").Properties;
        var (logGroupId, logGroup) = stack.Resource("AWS::Logs::LogGroup");

        ((string?)function["LoggingConfig"]!["LogFormat"]).Should().Be("JSON");
        SynthesizedTemplate.Render(function["LoggingConfig"]!["LogGroup"]).Should().Be("${" + logGroupId + "}");
        ((int?)logGroup["RetentionInDays"]).Should().Be(30);
    }

    [Fact]
    public void Function_IsTheOnlyFunction_NoCustomResourceBringsItsOwnRole()
    {
        var stack = cdk.Synthesize();

        stack.Resources("AWS::Lambda::Function").Should().HaveCount(1);
        stack.Resources("AWS::IAM::Role").Should().HaveCount(1);
        stack.Json["Resources"]!.AsObject().Select(r => (string?)r.Value!["Type"])
            .Should().NotContain(type => type!.StartsWith("Custom::", StringComparison.Ordinal) || type == "AWS::CloudFormation::CustomResource");
    }

    [Fact]
    public void Environment_ByDefault_NamesModelTableLayoutAndStreaming_AndLeavesTheRestToTheHost()
    {
        var stack = cdk.Synthesize();

        stack.FunctionEnvironment().Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["CHAT_MODEL_ID"] = "anthropic.claude-3-haiku-20240307-v1:0",
            ["CHAT_TABLE_NAME"] = "${" + stack.Resource("AWS::DynamoDB::Table").LogicalId + "}",
            ["CHAT_STORE_LAYOUT"] = "langchain",
            ["CHAT_STREAMING"] = "true",
        });
    }

    [Fact]
    public void Environment_CarriesEveryHostSettingTheContextSets()
    {
        var environment = cdk.Synthesize(
            ("modelId", "anthropic.claude-3-5-sonnet-20240620-v1:0"),
            ("modelRegion", "us-west-2"),
            ("maxTokens", "2000"),
            ("temperature", "0.2"),
            ("systemPrompt", "あなたは親切なアシスタントです。"),
            ("historyTtlSeconds", "86400"),
            ("maxInputChars", "4000")).FunctionEnvironment();

        environment.Should().Contain(new Dictionary<string, string>
        {
            ["CHAT_MODEL_ID"] = "anthropic.claude-3-5-sonnet-20240620-v1:0",
            ["CHAT_MODEL_REGION"] = "us-west-2",
            ["CHAT_MAX_TOKENS"] = "2000",
            ["CHAT_TEMPERATURE"] = "0.2",
            ["CHAT_SYSTEM_PROMPT"] = "あなたは親切なアシスタントです。",
            ["CHAT_STORE_TTL_SECONDS"] = "86400",
            ["CHAT_MAX_INPUT_CHARS"] = "4000",
            ["CHAT_STREAMING"] = "true",
        });
    }
}
