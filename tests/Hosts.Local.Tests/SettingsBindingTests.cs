using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Adapters.DynamoDb;
using ChatBedrock.Adapters.Sqlite;
using ChatBedrock.Application;
using ChatBedrock.Application.Telemetry;
using ChatBedrock.Hosting;
using ChatBedrock.Http;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Hosts.Local.Tests;

/// <summary>One setting of every section the host binds, and how to read what the host made of it.</summary>
internal sealed record SectionCase(string Key, string Value, string[] Choose, Func<IServiceProvider, object?> Read, object Expected);

/// <summary>Every section the README documents is bound from flags (and, in <see cref="EnvironmentBindingTests"/>, from the environment).</summary>
public sealed class SettingsBindingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    internal static IReadOnlyDictionary<string, SectionCase> All { get; } = new SectionCase[]
    {
        new SectionCase("Conversation:MaxHistoryMessages", "12", [], s => Options<ConversationOptions>(s).MaxHistoryMessages, 12),
        new("Http:MaxRequestBodyBytes", "4096", [], s => Options<ChatHttpOptions>(s).MaxRequestBodyBytes, 4096),
        new("Telemetry:RecordMessageText", "true", [], s => Options<ChatTelemetryOptions>(s).RecordMessageText, true),
        new("Sqlite:BusyTimeout", "00:00:05", [], s => Options<SqliteStoreOptions>(s).BusyTimeout, TimeSpan.FromSeconds(5)),
        new("DynamoDb:PartitionKeyName", "id", ["--store", "dynamodb", "--DynamoDb:Region", "us-east-1"], s => Options<DynamoDbStoreOptions>(s).PartitionKeyName, "id"),
        new("DynamoDb:HistoryAttributeName", "messages", ["--store", "dynamodb", "--DynamoDb:Region", "us-east-1"], s => Options<DynamoDbStoreOptions>(s).HistoryAttributeName, "messages"),
        new("Bedrock:MaxRetries", "1", ["--model-provider", "bedrock"], s => Options<BedrockModelOptions>(s).MaxRetries, 1),
    }.ToDictionary(c => c.Key);

    public static TheoryData<string> Cases { get; } = [.. All.Keys];

    internal static T Options<T>(IServiceProvider services)
        where T : class => services.GetRequiredService<IOptions<T>>().Value;

    internal static Models.IModelProvider[] Providers() => [new ScriptedModelProvider(new ScriptedLanguageModel()), new Models.BedrockModelProvider()];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task EverySection_IsBoundFromFlags(string key)
    {
        var setting = All[key];
        await using var app = await RunningHost.Build([.. setting.Choose, $"--{setting.Key}", setting.Value], Providers());

        setting.Read(app.Services).Should().Be(setting.Expected);
    }

    [Fact]
    public async Task SectionKeys_WinOverTheChatVariables()
    {
        await using var app = await RunningHost.Build(
            ["--store", "dynamodb", "--DynamoDb:Region", "us-east-1", "--DynamoDb:TableName", "FromSection", "--Conversation:Temperature", "0.3"],
            Providers(),
            new() { ["CHAT_TABLE_NAME"] = "FromVariable", ["CHAT_TEMPERATURE"] = "0.2", ["CHAT_MAX_TOKENS"] = "123" });

        Options<DynamoDbStoreOptions>(app.Services).TableName.Should().Be("FromSection");
        Options<ConversationOptions>(app.Services).Temperature.Should().Be(0.3);
        Options<ConversationOptions>(app.Services).MaxTokens.Should().Be(123, "a variable still applies where no section key is set");
    }

    [Fact]
    public async Task InvalidSectionKey_IsReportedByItsKeyNotByTheVariableItWonOver()
    {
        var start = () => RunningHost.Build(["--Conversation:Temperature", "1.5"], Providers(), new() { ["CHAT_TEMPERATURE"] = "0.2" });

        var problem = (await start.Should().ThrowAsync<ChatConfigurationException>()).Which.Problems.Should().ContainSingle().Subject;
        problem.Should().Be("Conversation:Temperature must be 0 to 1 (was 1.5).");
    }

    [Fact]
    public async Task Help_ListsEverySectionAndKeyTheHostBinds()
    {
        using var output = new StringWriter();

        await LocalCommand.RunAsync(new LocalHostOptions { Args = ["--help"] }, output, TextWriter.Null);

        var help = output.ToString();
        foreach (var key in new[] { "Conversation", "MaxHistoryMessages", "Http", "Telemetry", "RecordMessageText", "DynamoDb", "PartitionKeyName",
            "HistoryAttributeName", "Bedrock", "PromptCacheModels:<name>", "Sqlite", "BusyTimeout", "LlamaSharp", "ContextSize", "--otel-console", "OTEL_EXPORTER_OTLP_ENDPOINT" })
        {
            help.Should().Contain(key);
        }

        foreach (var section in SettingsHelp.Sections)
        {
            help.Should().Contain($"  {section.Name} ", "every bound section is listed");
        }
    }
}

/// <summary>The environment is the process's: these tests run alone, each removing what it set.</summary>
[CollectionDefinition(nameof(EnvironmentBindingTests), DisableParallelization = true)]
public sealed class EnvironmentBindingDefinition;

[Collection(nameof(EnvironmentBindingTests))]
public sealed class EnvironmentBindingTests
{
    [Theory]
    [MemberData(nameof(SettingsBindingTests.Cases), MemberType = typeof(SettingsBindingTests))]
    public async Task EverySection_IsBoundFromTheEnvironment(string key)
    {
        var setting = SettingsBindingTests.All[key];
        var variable = setting.Key.Replace(":", "__", StringComparison.Ordinal);
        Environment.SetEnvironmentVariable(variable, setting.Value);
        try
        {
            await using var app = await RunningHost.Build(setting.Choose, SettingsBindingTests.Providers());

            setting.Read(app.Services).Should().Be(setting.Expected);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
