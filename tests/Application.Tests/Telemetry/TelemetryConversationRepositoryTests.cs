using ChatBedrock.Application.Telemetry;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Telemetry;

namespace ChatBedrock.Application.Tests.Telemetry;

public sealed class TelemetryConversationRepositoryTests : IDisposable
{
    private readonly TelemetryRecorder _telemetry = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _telemetry.Dispose();

    [Fact]
    public async Task EveryCall_RecordsASpanAndADurationWithTheDatabaseAttributesAndNotTheSessionId()
    {
        var session = SessionId.New();
        var repository = new TelemetryConversationRepository(new RecordingRepository());

        await repository.AppendTurnAsync(session, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a")), Ct);
        await repository.LoadAsync(session, null, Ct);
        await repository.DeleteAsync(session, Ct);

        _telemetry.Spans.Select(s => s.DisplayName).Should().Equal("append_turn recording", "load recording", "delete recording");
        _telemetry.Spans.Should().OnlyContain(s => (string?)s.GetTagItem("db.system.name") == "recording");
        _telemetry.Spans.Select(s => s.GetTagItem("db.operation.name")).Should().Equal("append_turn", "load", "delete");
        _telemetry.Spans[1].GetTagItem("db.response.returned_rows").Should().Be(2);
        _telemetry.Spans.SelectMany(s => s.TagObjects).Select(t => t.Value?.ToString()).Should().NotContain(v => v != null && v.Contains(session.Value));
        _telemetry.Measurements(ChatBedrockTelemetry.StoreDurationMetric).Should().HaveCount(3);
    }

    [Fact]
    public async Task Failure_SetsErrorType()
    {
        var repository = new TelemetryConversationRepository(new RecordingRepository { FailAppendWith = new ChatException(ChatErrorCode.StoreUnavailable, "down") });

        var act = () => repository.AppendTurnAsync(SessionId.New(), new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a")), Ct);

        await act.Should().ThrowAsync<ChatException>();
        _telemetry.Spans.Should().ContainSingle().Which.GetTagItem("error.type").Should().Be("StoreUnavailable");
        _telemetry.Measurements(ChatBedrockTelemetry.StoreDurationMetric).Should().ContainSingle().Which.Tags.Should().Contain("error.type", "StoreUnavailable");
    }

    [Theory]
    [InlineData("dynamodb", "aws.dynamodb")]
    [InlineData("sqlite", "sqlite")]
    [InlineData("memory", "memory")]
    public void SystemName_FollowsTheConventionsWellKnownValues(string store, string system) =>
        TelemetryConversationRepository.SystemName(store).Should().Be(system);
}
