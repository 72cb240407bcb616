using System.Diagnostics;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatRole = Microsoft.Extensions.AI.ChatRole;
using ChatMessage = ChatBedrock.Domain.ChatMessage;

namespace ChatBedrock.Adapters.ExtensionsAI.Tests;

/// <summary>A ChatBedrock model seen as an IChatClient, alone and inside MEAI's middleware.</summary>
public sealed class LanguageModelChatClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task GetResponse_MapsInstructionsLeadingSystemMessagesAndOptionsToTheModelRequest()
    {
        var model = new ScriptedLanguageModel();
        AIChatMessage[] messages =
        [
            new(AIChatRole.System, "Be kind."),
            new(AIChatRole.User, "hi"),
            new(AIChatRole.Assistant, "hello"),
            new(AIChatRole.System, "Mid-conversation note."),
            new(AIChatRole.User, "bye"),
        ];
        var options = new ChatOptions { Instructions = "Answer in English.", MaxOutputTokens = 42, Temperature = 0.75f, TopP = 0.5f, StopSequences = ["STOP"] };

        await model.AsChatClient().GetResponseAsync(messages, options, Ct);

        var request = model.Requests.Single();
        request.SystemPrompt.Should().Be("Answer in English.\n\nBe kind.");
        request.Messages.Should().Equal(
            ChatMessage.User("hi"), ChatMessage.Assistant("hello"), ChatMessage.System("Mid-conversation note."), ChatMessage.User("bye"));
        request.Settings.MaxTokens.Should().Be(42);
        request.Settings.Temperature.Should().Be(0.75);
        request.Settings.TopP.Should().Be(0.5);
        request.Settings.StopSequences.Should().Equal("STOP");
    }

    [Fact]
    public async Task GetResponse_WithoutOptions_UsesTheModelSettingsDefaults()
    {
        var model = new ScriptedLanguageModel();

        await model.AsChatClient().GetResponseAsync("hi", cancellationToken: Ct);

        model.Requests.Single().Settings.Should().BeEquivalentTo(new ModelSettings());
        model.Requests.Single().SystemPrompt.Should().BeNull();
    }

    [Fact]
    public async Task GetResponse_ReturnsOneAssistantMessageWithUsageAndFinishReason()
    {
        var model = new ScriptedLanguageModel().Answer("a", "b");

        var response = await model.AsChatClient().GetResponseAsync("hi", new ChatOptions { MaxOutputTokens = 100 }, Ct);

        response.Messages.Should().ContainSingle().Which.Role.Should().Be(AIChatRole.Assistant);
        response.Text.Should().Be("ab");
        response.FinishReason.Should().Be(ChatFinishReason.Stop);
        response.Usage!.OutputTokenCount.Should().Be(2);
        response.Usage.TotalTokenCount.Should().Be(response.Usage.InputTokenCount + 2);
    }

    [Theory]
    [InlineData(StopReasons.EndTurn, "stop")]
    [InlineData(StopReasons.StopSequence, "stop")]
    [InlineData(StopReasons.MaxTokens, "length")]
    [InlineData("content_filtered", "content_filter")]
    [InlineData("guardrail_intervened", "guardrail_intervened")]
    public void StopReasons_BecomeFinishReasons(string stopReason, string finishReason)
    {
        ChatMapping.ToFinishReason(stopReason).Should().Be(new ChatFinishReason(finishReason));
    }

    [Fact]
    public async Task GetStreamingResponse_YieldsTextUpdatesOfOneMessageThenUsageAndFinishReason()
    {
        var model = new ScriptedLanguageModel().Answer("Hel", "lo");

        var updates = new List<ChatResponseUpdate>();
        await foreach (var update in model.AsChatClient().GetStreamingResponseAsync("hi", cancellationToken: Ct))
        {
            updates.Add(update);
        }

        updates.Select(u => u.Text).Should().Equal("Hel", "lo", "");
        updates.Select(u => u.MessageId).Distinct().Should().ContainSingle();
        updates[^1].FinishReason.Should().Be(ChatFinishReason.Stop);
        updates[^1].Contents.OfType<UsageContent>().Single().Details.OutputTokenCount.Should().Be(2);
        var response = updates.ToChatResponse();
        response.Messages.Should().ContainSingle().Which.Text.Should().Be("Hello");
        response.Usage!.OutputTokenCount.Should().Be(2);
    }

    [Fact]
    public async Task GetResponse_WithAToolMessage_IsNotSupported()
    {
        var client = new ScriptedLanguageModel().AsChatClient();

        var act = () => client.GetResponseAsync([new AIChatMessage(AIChatRole.User, "hi"), new AIChatMessage(AIChatRole.Tool, "42")], cancellationToken: Ct);

        await act.Should().ThrowAsync<NotSupportedException>();
    }

    [Fact]
    public async Task GetResponse_WithNonTextContent_IsNotSupported()
    {
        var client = new ScriptedLanguageModel().AsChatClient();

        var act = () => client.GetResponseAsync([new AIChatMessage(AIChatRole.User, [new DataContent(new byte[] { 1 }, "image/png")])], cancellationToken: Ct);

        await act.Should().ThrowAsync<NotSupportedException>();
    }

    [Fact]
    public async Task RoundTrip_ThroughMiddleware_KeepsTheModelsErrorCode()
    {
        var failure = new ChatException(ChatErrorCode.ModelThrottled, "slow down", TimeSpan.FromSeconds(3));
        var model = RoundTripConformanceTests.RoundTrip(new ScriptedLanguageModel().Fail(failure));

        var act = () => model.CompleteAsync(new ModelRequest(null, [ChatMessage.User("hi")], new ModelSettings()), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Should().BeSameAs(failure);
    }

    [Fact]
    public async Task RoundTrip_ThroughMiddleware_KeepsSystemPromptMessagesAndSettings()
    {
        var inner = new ScriptedLanguageModel();
        var request = new ModelRequest(
            "Be brief.",
            [ChatMessage.User("こんにちは"), ChatMessage.Assistant("はい"), ChatMessage.User("again")],
            new ModelSettings { MaxTokens = 12, Temperature = 0.5, TopP = 0.25, StopSequences = ["\n\n"] });

        await RoundTripConformanceTests.RoundTrip(inner).CompleteAsync(request, Ct);

        inner.Requests.Single().Should().BeEquivalentTo(request);
    }

    [Fact]
    public async Task Middleware_Applies_LoggingTracingAndCaching()
    {
        var model = new ScriptedLanguageModel();
        var logs = new FakeLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Debug));
        var activities = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "ChatBedrock.MiddlewareTest",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activities.Add,
        };
        ActivitySource.AddActivityListener(listener);
        using var client = model.AsChatClient(new ChatClientMetadata("chatbedrock", defaultModelId: "scripted"))
            .AsBuilder()
            .UseOpenTelemetry(sourceName: "ChatBedrock.MiddlewareTest")
            .UseLogging(loggerFactory)
            .UseDistributedCache(new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions())))
            .Build();

        var first = await client.GetResponseAsync("hi", cancellationToken: Ct);
        var second = await client.GetResponseAsync("hi", cancellationToken: Ct);

        second.Text.Should().Be(first.Text);
        model.Requests.Should().HaveCount(1, "the cache answered the second call");
        activities.Should().HaveCount(2).And.OnlyContain(a => a.DisplayName.Contains("scripted", StringComparison.Ordinal));
        logs.Collector.GetSnapshot().Should().Contain(r => r.Message.Contains("GetResponseAsync", StringComparison.Ordinal));
    }

    [Fact]
    public void GetService_GivesTheModelAndTheMetadata()
    {
        var model = new ScriptedLanguageModel();
        var client = model.AsChatClient(new ChatClientMetadata("bedrock", defaultModelId: "m"));

        client.GetService<ILanguageModel>().Should().BeSameAs(model);
        client.GetService<ChatClientMetadata>()!.DefaultModelId.Should().Be("m");
        client.GetService<ChatClientMetadata>("key").Should().BeNull();
        model.AsChatClient().GetService<ChatClientMetadata>()!.ProviderName.Should().Be("chatbedrock");
    }
}
