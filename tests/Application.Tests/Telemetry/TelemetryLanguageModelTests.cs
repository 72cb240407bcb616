using System.Text.Json;
using ChatBedrock.Application.Telemetry;
using ChatBedrock.Domain;
using ChatBedrock.Testing;
using ChatBedrock.Testing.Telemetry;

namespace ChatBedrock.Application.Tests.Telemetry;

public sealed class TelemetryLanguageModelTests : IDisposable
{
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly TelemetryRecorder _telemetry = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ModelRequest Request(string text = "秘密の質問") =>
        new("Be brief.", [ChatMessage.User(text)], new ModelSettings { MaxTokens = 300, Temperature = 0.25 });

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public async Task Complete_RecordsAChatSpanWithTheGenAiAttributesAndNoMessageText()
    {
        var inner = new UsageModel(new ModelUsage(10, 5) { CacheReadInputTokens = 100, CacheWriteInputTokens = 20 }, "end_turn", "the answer");
        var model = new TelemetryLanguageModel(inner);

        await model.CompleteAsync(Request(), Ct);

        var span = _telemetry.Spans.Should().ContainSingle().Subject;
        span.DisplayName.Should().Be("chat anthropic.claude-3-haiku");
        span.Kind.Should().Be(System.Diagnostics.ActivityKind.Client);
        span.ParentSpanId.Should().Be(_telemetry.Root.SpanId);
        var tags = span.TagObjects.ToDictionary(t => t.Key, t => t.Value);
        tags.Should().Contain("gen_ai.operation.name", "chat")
            .And.Contain("gen_ai.provider.name", "aws.bedrock")
            .And.Contain("gen_ai.request.model", "anthropic.claude-3-haiku")
            .And.Contain("gen_ai.request.max_tokens", 300)
            .And.Contain("gen_ai.request.temperature", 0.25)
            .And.Contain("gen_ai.usage.input_tokens", 130, "cached tokens are part of the input")
            .And.Contain("gen_ai.usage.output_tokens", 5)
            .And.Contain("gen_ai.usage.cache_read.input_tokens", 100)
            .And.Contain("gen_ai.usage.cache_creation.input_tokens", 20);
        tags["gen_ai.response.finish_reasons"].Should().BeEquivalentTo(new[] { "end_turn" });
        tags.Keys.Should().NotContain(["gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions"]);
        tags.Values.OfType<string>().Should().NotContain(v => v.Contains("秘密") || v.Contains("the answer") || v.Contains("Be brief"));
    }

    [Fact]
    public async Task Stream_RecordsTokenUsageByTypeAndTheDuration()
    {
        var model = new TelemetryLanguageModel(new UsageModel(new ModelUsage(7, 3) { CacheReadInputTokens = 2 }, "max_tokens", "abc"));

        await foreach (var _ in model.StreamAsync(Request(), Ct))
        {
        }

        var tokens = _telemetry.Measurements(ChatBedrockTelemetry.TokenUsageMetric);
        tokens.Select(m => (m.Tags["gen_ai.token.type"], m.Value)).Should().BeEquivalentTo([("input", 9.0), ("output", 3.0)]);
        tokens.Should().OnlyContain(m => (string?)m.Tags["gen_ai.request.model"] == "anthropic.claude-3-haiku"
            && (string?)m.Tags["gen_ai.provider.name"] == "aws.bedrock" && (string?)m.Tags["gen_ai.operation.name"] == "chat");
        var duration = _telemetry.Measurements(ChatBedrockTelemetry.OperationDurationMetric).Should().ContainSingle().Subject;
        duration.Tags.Should().NotContainKey("error.type");
        var span = _telemetry.Spans.Should().ContainSingle().Subject;
        span.GetTagItem("gen_ai.response.finish_reasons").Should().BeEquivalentTo(new[] { "max_tokens" });
    }

    [Fact]
    public async Task RecordMessageText_WhenEnabled_RecordsTheMessagesAsGenAiJson()
    {
        var model = new TelemetryLanguageModel(new UsageModel(new ModelUsage(1, 1), "end_turn", "答え"), new ChatTelemetryOptions { RecordMessageText = true });

        await foreach (var _ in model.StreamAsync(Request("質問"), Ct))
        {
        }

        var span = _telemetry.Spans.Should().ContainSingle().Subject;
        Json(span, "gen_ai.system_instructions").Should().Be("""[{"type":"text","content":"Be brief."}]""");
        Json(span, "gen_ai.input.messages").Should().Be("""[{"role":"user","parts":[{"type":"text","content":"質問"}]}]""");
        Json(span, "gen_ai.output.messages").Should().Be("""[{"role":"assistant","parts":[{"type":"text","content":"答え"}],"finish_reason":"end_turn"}]""");
    }

    [Fact]
    public async Task Failure_SetsErrorTypeToTheErrorCodeOnTheSpanAndTheDuration()
    {
        var model = new TelemetryLanguageModel(new ScriptedLanguageModel().Fail(new ChatException(ChatErrorCode.ModelThrottled, "slow down"), "partial"));

        var act = async () =>
        {
            await foreach (var _ in model.StreamAsync(Request(), Ct))
            {
            }
        };

        await act.Should().ThrowAsync<ChatException>();
        var span = _telemetry.Spans.Should().ContainSingle().Subject;
        span.Status.Should().Be(System.Diagnostics.ActivityStatusCode.Error);
        span.GetTagItem("error.type").Should().Be("ModelThrottled");
        span.GetTagItem("gen_ai.provider.name").Should().Be("scripted", "providers other than Bedrock keep their name");
        _telemetry.Measurements(ChatBedrockTelemetry.OperationDurationMetric).Should().ContainSingle()
            .Which.Tags.Should().Contain("error.type", "ModelThrottled");
        _telemetry.Measurements(ChatBedrockTelemetry.TokenUsageMetric).Should().BeEmpty("a failed call reports no usage");
    }

    private static string Json(System.Diagnostics.Activity span, string tag)
    {
        var text = span.GetTagItem(tag).Should().BeOfType<string>().Subject;
        // Compared in a canonical form: the writer escapes non-ASCII text.
        return JsonSerializer.Serialize(JsonDocument.Parse(text).RootElement, Relaxed);
    }

    private sealed class UsageModel(ModelUsage usage, string stopReason, string text) : ILanguageModel
    {
        public Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new ModelResponse(text, usage, stopReason));

        public async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            yield return new ModelTextDelta(text);
            yield return new ModelStreamEnd(usage, stopReason);
        }

        public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) =>
            ValueTask.FromResult(new ModelStatus("bedrock", "anthropic.claude-3-haiku"));
    }
}
