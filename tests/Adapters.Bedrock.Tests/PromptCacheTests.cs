using System.Text;
using System.Text.Json;
using ChatBedrock.Adapters.Bedrock.Wire;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Bedrock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

using static ChatBedrock.Adapters.Bedrock.Tests.Streams;

namespace ChatBedrock.Adapters.Bedrock.Tests;

/// <summary>Prompt caching: the capability table, where cache points go, and the cache usage against the emulator.</summary>
public sealed class PromptCacheTests : IAsyncDisposable
{
    private const string Sonnet37 = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"; // 1,024 tokens per checkpoint
    private static readonly string LongSystem = Words(1100);

    private readonly BedrockTestBeds _beds = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _beds.DisposeAsync();

    [Theory]
    [InlineData("anthropic.claude-3-haiku-20240307-v1:0", null)]
    [InlineData("anthropic.claude-3-5-sonnet-20240620-v1:0", null)]
    [InlineData("anthropic.claude-v2:1", null)]
    [InlineData("anthropic.claude-3-5-haiku-20241022-v1:0", 2048)]
    [InlineData("us.anthropic.claude-3-7-sonnet-20250219-v1:0", 1024)]
    [InlineData("anthropic.claude-sonnet-4-20250514-v1:0", 1024)]
    [InlineData("global.anthropic.claude-sonnet-4-5-20250929-v1:0", 4096)]
    [InlineData("jp.anthropic.claude-haiku-4-5-20251001-v1:0", 4096)]
    [InlineData("eu.amazon.nova-lite-v1:0", 1000)]
    [InlineData("arn:aws:bedrock:us-east-1:123456789012:inference-profile/apac.anthropic.claude-3-5-haiku-20241022-v1:0", 2048)]
    [InlineData("arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-opus-4-1-20250805-v1:0", 1024)]
    public void Table_KnowsModelsByIdInferenceProfileAndArn(string modelId, int? minimum) =>
        PromptCacheTable.MinimumTokens(modelId, new Dictionary<string, int>()).Should().Be(minimum);

    [Fact]
    public void Table_IsExtendedAndOverriddenByTheSetting()
    {
        var configured = new Dictionary<string, int>
        {
            ["anthropic.claude-3-haiku-"] = 2048,
            ["anthropic.claude-3-7-sonnet-"] = 3000,
            ["arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123"] = 1024,
        };

        PromptCacheTable.MinimumTokens("anthropic.claude-3-haiku-20240307-v1:0", configured).Should().Be(2048);
        PromptCacheTable.MinimumTokens("us.anthropic.claude-3-7-sonnet-20250219-v1:0", configured).Should().Be(3000);
        PromptCacheTable.MinimumTokens("arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/abc123", configured).Should().Be(1024);
    }

    [Theory]
    [InlineData(PromptCacheMode.Auto, "anthropic.claude-3-haiku-20240307-v1:0")]
    [InlineData(PromptCacheMode.Off, Sonnet37)]
    public void Request_WithoutCaching_IsByteForByteTheRequestOfBefore(PromptCacheMode mode, string modelId)
    {
        var mapper = new ConverseRequestMapper(new BedrockModelOptions { ModelId = modelId, PromptCache = mode });

        var json = JsonSerializer.Serialize(mapper.Map(Conversation(), streaming: true), BedrockJsonContext.Default.ConverseRequest);

        mapper.Caches.Should().BeFalse();
        json.Should().Be(
            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"" + Words(600) + "\"}]},"
            + "{\"role\":\"assistant\",\"content\":[{\"text\":\"" + Words(600) + "\"}]},"
            + "{\"role\":\"user\",\"content\":[{\"text\":\"new question\"}]}],"
            + "\"system\":[{\"text\":\"" + LongSystem + "\"}],\"inferenceConfig\":{\"maxTokens\":100,\"temperature\":0.5}}");
    }

    [Fact]
    public async Task Request_WithACachingModel_HasACachePointAfterTheSystemPromptAndAtTheEndOfTheStableHistory()
    {
        var bed = await StartAsync();

        await bed.Model.CompleteAsync(Conversation(), Ct);

        var body = bed.Emulator.Requests.Single().Body;
        var system = body.GetProperty("system").EnumerateArray().ToList();
        system.Should().HaveCount(2);
        system[1].GetRawText().Should().Be("""{"cachePoint":{"type":"default"}}""");
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        messages[1].GetProperty("content").EnumerateArray().Last().GetRawText().Should().Be("""{"cachePoint":{"type":"default"}}""");
        messages[0].GetProperty("content").GetArrayLength().Should().Be(1);
        messages[2].GetProperty("content").GetArrayLength().Should().Be(1, "the new input changes every turn");
    }

    [Fact]
    public async Task CachePoints_AreLeftOutWhileThePrefixIsBelowTheModelsMinimum()
    {
        var bed = await StartAsync();

        // System ~25 tokens; history ~1,300 estimated tokens: enough for a first checkpoint, so only the history one.
        await bed.Model.CompleteAsync(Conversation(system: Words(20), history: 500), Ct);
        // The history's checkpoint is the second one, so it needs 2 × 1,024 tokens of prefix.
        await bed.Model.CompleteAsync(Conversation(history: 100), Ct);

        var (first, second) = (bed.Emulator.Requests.First().Body, bed.Emulator.Requests.Last().Body);
        CachePoints(first).Should().Be(1);
        first.GetProperty("system").GetArrayLength().Should().Be(1);
        CachePoints(second).Should().Be(1);
        second.GetProperty("system").GetArrayLength().Should().Be(2);
        bed.Emulator.Rejections.Should().BeEmpty();
    }

    [Fact]
    public async Task Conversation_WritesTheCacheOnce_ThenReadsIt_AndUsageCarriesBoth()
    {
        var bed = await StartAsync();

        var first = await bed.Model.CompleteAsync(Conversation(), Ct);
        var second = await CollectAsync(bed.Model.StreamAsync(Conversation(newInput: "another question"), Ct));

        // 1,100 system + 1,200 history words are written, then read; only the new input is billed at full price.
        first.Usage.Should().Be(new ModelUsage(2, first.Usage.OutputTokens) { CacheWriteInputTokens = 2300 });
        var end = second[^1].Should().BeOfType<ModelStreamEnd>().Subject;
        end.Usage.Should().Be(new ModelUsage(2, end.Usage.OutputTokens) { CacheReadInputTokens = 2300 });
        end.Usage.PromptTokens.Should().Be(2302);
        end.Usage.TotalTokens.Should().Be(2302 + end.Usage.OutputTokens);
    }

    [Fact]
    public async Task Cache_ExpiresFiveMinutesAfterItsLastUse()
    {
        var bed = await StartAsync();
        await bed.Model.CompleteAsync(Conversation(), Ct);

        _time.Advance(TimeSpan.FromMinutes(4));
        var read = await bed.Model.CompleteAsync(Conversation(), Ct);      // a hit resets the lifetime
        _time.Advance(TimeSpan.FromMinutes(4));
        var readAgain = await bed.Model.CompleteAsync(Conversation(), Ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        var expired = await bed.Model.CompleteAsync(Conversation(), Ct);

        read.Usage.CacheReadInputTokens.Should().Be(2300);
        readAgain.Usage.CacheReadInputTokens.Should().Be(2300);
        (expired.Usage.CacheReadInputTokens, expired.Usage.CacheWriteInputTokens).Should().Be((0, 2300));
    }

    [Fact]
    public async Task Conversation_GrowingByOneTurn_ReadsThePreviousPrefixAndWritesOnlyTheNewTurn()
    {
        var bed = await StartAsync();
        await bed.Model.CompleteAsync(Conversation(), Ct);

        var longer = Conversation() with
        {
            Messages = [.. Conversation().Messages.SkipLast(1), ChatMessage.User("new question"), ChatMessage.Assistant(Words(50)), ChatMessage.User("next")],
        };
        var response = await bed.Model.CompleteAsync(longer, Ct);

        // The previous turn's prefix (1,100 + 1,200 words) is found a few blocks before the new checkpoint and read;
        // only the previous turn's new input and answer (2 + 50) are written.
        (response.Usage.CacheReadInputTokens, response.Usage.CacheWriteInputTokens, response.Usage.InputTokens).Should().Be((2300, 52, 1));
    }

    [Fact]
    public async Task CachedCalls_LogTheCacheTokens()
    {
        var bed = await StartAsync();

        await bed.Model.CompleteAsync(Conversation(), Ct);

        bed.Logs.GetSnapshot().Should().Contain(r => r.Level == LogLevel.Information
            && r.Message.Contains("2 input and") && r.Message.Contains("0 input tokens read from and 2300 written to the prompt cache"));
    }

    [Fact]
    public void On_WithAModelWithoutCaching_RefusesToStart_AndSaysWhatToDo()
    {
        using var provider = new ServiceCollection().AddLogging()
            .AddBedrockLanguageModel(o => o.PromptCache = PromptCacheMode.On).BuildServiceProvider();

        var act = () => provider.GetRequiredService<IStartupValidator>().Validate();

        act.Should().Throw<OptionsValidationException>().WithMessage(
            "*Bedrock:PromptCache must be Auto or Off for model anthropic.claude-3-haiku-20240307-v1:0*Bedrock:PromptCacheModels*(was On)*");
    }

    [Fact]
    public async Task On_WithAModelAddedToTheTable_CachesIt()
    {
        var bed = await _beds.StartAsync(new TestMachine(), o =>
        {
            o.ModelId = "anthropic.claude-3-haiku-20240307-v1:0";
            o.PromptCache = PromptCacheMode.On;
            o.PromptCacheModels["anthropic.claude-3-haiku-"] = 1024;
        }, new BedrockEmulatorOptions { PromptCacheModels = new Dictionary<string, int> { ["anthropic.claude-3-haiku-"] = 1024 } });

        var response = await bed.Model.CompleteAsync(Conversation(), Ct);

        response.Usage.CacheWriteInputTokens.Should().Be(2300);
        bed.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    private Task<BedrockTestBed> StartAsync() =>
        _beds.StartAsync(new TestMachine(), o => o.ModelId = Sonnet37, new BedrockEmulatorOptions { Time = _time });

    private static ModelRequest Conversation(string? system = null, int history = 600, string newInput = "new question") => new(
        system ?? LongSystem,
        [ChatMessage.User(Words(history)), ChatMessage.Assistant(Words(history)), ChatMessage.User(newInput)],
        new ModelSettings { MaxTokens = 100, Temperature = 0.5 });

    private static int CachePoints(JsonElement body) => body.GetRawText().Split("cachePoint").Length - 1;

    private static string Words(int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(i == 0 ? "" : " ").Append("wor").Append(i % 10);
        }

        return text.ToString();
    }
}
