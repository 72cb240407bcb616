using ChatBedrock.Application.Telemetry;
using ChatBedrock.Domain;
using ChatBedrock.Testing;
using ChatBedrock.Testing.Telemetry;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Application.Tests.Telemetry;

/// <summary>The turn's span and metric, as <see cref="ContinueConversation"/> records them through <c>AddConversationUseCases</c>.</summary>
public sealed class TurnTelemetryTests : IDisposable
{
    private readonly TelemetryRecorder _telemetry = new();
    private readonly ScriptedLanguageModel _model = new();
    private readonly RecordingRepository _repository = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _telemetry.Dispose();

    private ContinueConversation UseCase() => new ServiceCollection()
        .AddLogging()
        .AddSingleton<ILanguageModel>(_model)
        .AddSingleton<IConversationRepository>(_repository)
        .AddConversationUseCases()
        .BuildServiceProvider().GetRequiredService<ContinueConversation>();

    [Fact]
    public async Task Execute_RecordsATurnSpanParentingTheStoreAndModelSpans()
    {
        var useCase = UseCase();
        var first = await useCase.ExecuteAsync(new ConversationRequest("one", null), Ct);

        await useCase.ExecuteAsync(new ConversationRequest("two", first.SessionId.Value), Ct);

        var turns = _telemetry.Spans.Where(s => s.DisplayName == ChatBedrockTelemetry.TurnSpanName).ToList();
        turns.Should().HaveCount(2);
        var second = turns[1];
        _telemetry.Spans.Where(s => s.ParentSpanId == second.SpanId).Select(s => s.DisplayName)
            .Should().Equal("load recording", "chat scripted-model", "append_turn recording");
        second.GetTagItem("chat_bedrock.session.new").Should().Be(false);
        second.GetTagItem("chat_bedrock.history.loaded_messages").Should().Be(2);
        _telemetry.Spans.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString())
            .Should().NotContain(v => v != null && v.Contains(first.SessionId.Value), "a session id opens the conversation");
        _telemetry.Measurements(ChatBedrockTelemetry.TurnDurationMetric).Should().HaveCount(2)
            .And.OnlyContain(m => !m.Tags.ContainsKey("error.type"));
    }

    [Fact]
    public async Task Stream_RecordsATurnSpanParentingTheModelAndStoreSpans()
    {
        _model.Answer("a", "b");

        await foreach (var _ in UseCase().StreamAsync(new ConversationRequest("hi", null), Ct))
        {
        }

        var turn = _telemetry.Spans.Should().ContainSingle(s => s.DisplayName == ChatBedrockTelemetry.TurnSpanName).Subject;
        turn.GetTagItem("chat_bedrock.turn.streamed").Should().Be(true);
        _telemetry.Spans.Where(s => s.ParentSpanId == turn.SpanId).Select(s => s.DisplayName)
            .Should().Equal("chat scripted-model", "append_turn recording");
    }

    [Fact]
    public async Task FailedTurn_RecordsErrorTypeOnTheTurnSpanAndDuration()
    {
        _model.Fail(new ChatException(ChatErrorCode.ModelUnavailable, "down"));

        var act = () => UseCase().ExecuteAsync(new ConversationRequest("hi", null), Ct);

        await act.Should().ThrowAsync<ChatException>();
        _telemetry.Spans.Should().ContainSingle(s => s.DisplayName == ChatBedrockTelemetry.TurnSpanName)
            .Which.GetTagItem("error.type").Should().Be("ModelUnavailable");
        _telemetry.Measurements(ChatBedrockTelemetry.TurnDurationMetric).Should().ContainSingle()
            .Which.Tags.Should().Contain("error.type", "ModelUnavailable");
    }

    [Fact]
    public async Task InvalidInput_RecordsTheTurnAsFailedWithItsCode()
    {
        var act = () => UseCase().ExecuteAsync(new ConversationRequest(" ", null), Ct);

        await act.Should().ThrowAsync<ChatException>();
        _telemetry.Measurements(ChatBedrockTelemetry.TurnDurationMetric).Should().ContainSingle()
            .Which.Tags.Should().Contain("error.type", "InputMissing");
    }
}
