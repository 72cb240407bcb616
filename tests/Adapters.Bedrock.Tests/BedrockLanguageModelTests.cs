using System.Text.Json;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing;
using ChatBedrock.Testing.Bedrock;
using Microsoft.Extensions.Logging;

using static ChatBedrock.Adapters.Bedrock.Tests.Streams;

namespace ChatBedrock.Adapters.Bedrock.Tests;

/// <summary>The adapter against the emulator: the conformance suite, answers, request JSON and model ids.</summary>
public sealed class BedrockLanguageModelTests : LanguageModelConformanceTests, IAsyncDisposable
{
    private readonly BedrockTestBeds _beds = new();

    public ValueTask DisposeAsync() => _beds.DisposeAsync();

    protected override async Task<ILanguageModel> CreateModelAsync() => (await _beds.StartAsync()).Model;

    [Fact]
    public async Task Complete_ReturnsTheTextUsageAndStopReasonBedrockSent()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("こんにちは", "、", "世界 🌏") with { StopReason = "stop_sequence", InputTokens = 12 });

        var response = await bed.Model.CompleteAsync(Request(), Ct);

        response.Text.Should().Be("こんにちは、世界 🌏");
        response.StopReason.Should().Be(StopReasons.StopSequence);
        response.Usage.Should().Be(new ModelUsage(12, 3));
        bed.Emulator.Requests.Should().ContainSingle().Which.Operation.Should().Be("converse");
    }

    [Fact]
    public async Task Complete_WithAnUnknownStopReason_KeepsIt()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("x") with { StopReason = "some_future_reason" });

        var response = await bed.Model.CompleteAsync(Request(), Ct);

        response.StopReason.Should().Be("some_future_reason");
    }

    [Fact]
    public async Task Stream_YieldsDeltasInOrderThenUsageAndStopReason()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("One", ", two", ", three", ".") with { InputTokens = 7 });

        var updates = await CollectAsync(bed.Model.StreamAsync(Request(), Ct));

        updates.OfType<ModelTextDelta>().Select(d => d.Text).Should().Equal("One", ", two", ", three", ".");
        updates[^1].Should().Be(new ModelStreamEnd(new ModelUsage(7, 4), StopReasons.EndTurn) { ModelId = bed.Emulator.Requests.Single().ModelId });
        bed.Emulator.Requests.Should().ContainSingle().Which.Operation.Should().Be("converse-stream");
    }

    [Fact]
    public async Task CompleteAndStream_NameTheModelThatAnswered_SoTheAnswerIsStoredWithIt()
    {
        var bed = await _beds.StartAsync(o => o.ModelId = "us.anthropic.claude-3-haiku-20240307-v1:0");
        bed.Emulator.Enqueue(BedrockReply.Text("a"), times: 2);

        var response = await bed.Model.CompleteAsync(Request(), Ct);
        var end = (await CollectAsync(bed.Model.StreamAsync(Request(), Ct))).OfType<ModelStreamEnd>().Single();

        response.ModelId.Should().Be("us.anthropic.claude-3-haiku-20240307-v1:0");
        end.ModelId.Should().Be("us.anthropic.claude-3-haiku-20240307-v1:0");
    }

    [Fact]
    public async Task Stream_WhenMaxTokensIsReached_EndsWithMaxTokens()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("a", "b", "c", "d", "e"));

        var updates = await CollectAsync(bed.Model.StreamAsync(Request(maxTokens: 2), Ct));

        updates.OfType<ModelTextDelta>().Should().HaveCount(2);
        updates[^1].Should().BeOfType<ModelStreamEnd>().Which.StopReason.Should().Be(StopReasons.MaxTokens);
    }

    [Fact]
    public async Task Stream_HandsEachDeltaToTheCallerBeforeTheNextIsSent()
    {
        var bed = await _beds.StartAsync();
        var resume = new TaskCompletionSource();
        bed.Emulator.Enqueue(BedrockReply.Text("first", " second") with { ResumeAfterFirstDelta = resume.Task });

        var received = new List<string>();
        await foreach (var update in bed.Model.StreamAsync(Request(), Ct))
        {
            if (update is ModelTextDelta delta)
            {
                received.Add(delta.Text);
                resume.TrySetResult(); // The emulator sends " second" only now.
            }
        }

        received.Should().Equal("first", " second");
    }

    [Fact]
    public async Task Stream_FramesSplitAcrossTcpWrites_AreReassembled()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("split", " across", " writes") with { SplitFrames = true });

        var updates = await CollectAsync(bed.Model.StreamAsync(Request(), Ct));

        updates.OfType<ModelTextDelta>().Select(d => d.Text).Should().Equal("split", " across", " writes");
        updates[^1].Should().BeOfType<ModelStreamEnd>();
    }

    [Fact]
    public async Task Stream_UnknownEventsFieldsAndHeaderTypes_AreIgnored()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("still", " fine") with { IncludeUnknownEvents = true });

        var updates = await CollectAsync(bed.Model.StreamAsync(Request(), Ct));

        updates.OfType<ModelTextDelta>().Select(d => d.Text).Should().Equal("still", " fine");
    }

    [Fact]
    public async Task Request_CarriesSystemMessagesInferenceConfigAndAdditionalFields()
    {
        var bed = await _beds.StartAsync(o =>
        {
            o.TopP = 0.9;
            o.StopSequences.Add("\n\nHuman:");
            o.AdditionalModelRequestFields = """{"top_k":250}""";
        });
        var request = new ModelRequest(
            "You are terse.",
            [ChatMessage.System("Stored rule."), ChatMessage.User("q1"), ChatMessage.Assistant("a1"), ChatMessage.User("q2"), ChatMessage.User("q2 again")],
            new ModelSettings { MaxTokens = 1000, Temperature = 0.5 });

        await bed.Model.CompleteAsync(request, Ct);

        var body = bed.Emulator.Requests.Single().Body;
        Texts(body.GetProperty("system")).Should().Equal("You are terse.", "Stored rule.");
        var messages = body.GetProperty("messages").EnumerateArray().ToList();
        messages.Select(m => m.GetProperty("role").GetString()).Should().Equal("user", "assistant", "user");
        Texts(messages[2].GetProperty("content")).Should().Equal("q2", "q2 again");
        var config = body.GetProperty("inferenceConfig");
        config.GetProperty("maxTokens").GetInt32().Should().Be(1000);
        config.GetProperty("temperature").GetDouble().Should().Be(0.5);
        config.GetProperty("topP").GetDouble().Should().Be(0.9);
        config.GetProperty("stopSequences").EnumerateArray().Select(s => s.GetString()).Should().Equal("\n\nHuman:");
        body.GetProperty("additionalModelRequestFields").GetProperty("top_k").GetInt32().Should().Be(250);
    }

    [Fact]
    public async Task Request_WithoutSystemPromptOrOptionalSettings_OmitsThem()
    {
        var bed = await _beds.StartAsync();

        await bed.Model.CompleteAsync(new ModelRequest(null, [ChatMessage.User("hi")], new ModelSettings()), Ct);

        var body = bed.Emulator.Requests.Single().Body;
        body.TryGetProperty("system", out _).Should().BeFalse();
        body.TryGetProperty("additionalModelRequestFields", out _).Should().BeFalse();
        body.GetProperty("inferenceConfig").TryGetProperty("topP", out _).Should().BeFalse();
        body.GetProperty("inferenceConfig").TryGetProperty("stopSequences", out _).Should().BeFalse();
    }

    [Theory]
    [InlineData("anthropic.claude-3-haiku-20240307-v1:0")]
    [InlineData("anthropic.claude-v2:1")]
    [InlineData("us.anthropic.claude-3-5-sonnet-20240620-v1:0")]
    [InlineData("jp.anthropic.claude-sonnet-4-5-20250929-v1:0")]
    [InlineData("global.anthropic.claude-sonnet-4-20250514-v1:0")]
    [InlineData("arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0")]
    [InlineData("arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-3-haiku-20240307-v1:0")]
    public async Task ModelId_IsOneEncodedPathSegment_AndSignedAsSent(string modelId)
    {
        var bed = await _beds.StartAsync(o => o.ModelId = modelId);

        await bed.Model.CompleteAsync(Request(), Ct);
        await CollectAsync(bed.Model.StreamAsync(Request(), Ct));

        bed.Emulator.Requests.Select(r => r.ModelId).Should().Equal(modelId, modelId);
        bed.Emulator.Requests.First().RawTarget.Should().Be($"/model/{Uri.EscapeDataString(modelId)}/converse");
        bed.Emulator.Requests.First().RawTarget.Should().NotContain(":").And.Subject.Split('/').Should().HaveCount(4);
    }

    [Fact]
    public async Task Settings_AboveTheModelsLimits_AreRejectedWithoutACall()
    {
        var bed = await _beds.StartAsync(o => { o.MaxOutputTokens = 100; o.MaxTemperature = 0.8; });

        var tooMany = () => bed.Model.CompleteAsync(Request(maxTokens: 101), Ct);
        var tooHot = () => bed.Model.CompleteAsync(Request() with { Settings = new ModelSettings { MaxTokens = 10, Temperature = 0.9 } }, Ct);

        (await tooMany.Should().ThrowAsync<ChatException>()).Which.Should().Match<ChatException>(e =>
            e.Code == ChatErrorCode.ModelInvalidRequest && e.Message.Contains("Bedrock:MaxOutputTokens"));
        (await tooHot.Should().ThrowAsync<ChatException>()).Which.Should().Match<ChatException>(e =>
            e.Code == ChatErrorCode.ModelInvalidRequest && e.Message.Contains("Bedrock:MaxTemperature"));
        bed.Emulator.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Calls_LogUsageAtInformation_AndNeverTheContentAboveDebug()
    {
        var bed = await _beds.StartAsync();
        bed.Emulator.Enqueue(BedrockReply.Text("secret answer") with { InputTokens = 5 });

        await bed.Model.CompleteAsync(Request() with { Messages = [ChatMessage.User("secret question")] }, Ct);

        var records = bed.Logs.GetSnapshot();
        records.Should().Contain(r => r.Level == LogLevel.Information && r.Message.Contains("5 input and 1 output tokens"));
        records.Where(r => r.Level > LogLevel.Debug).Should().NotContain(r => r.Message.Contains("secret"));
    }


    private static IEnumerable<string?> Texts(JsonElement blocks) => blocks.EnumerateArray().Select(b => b.GetProperty("text").GetString());
}
