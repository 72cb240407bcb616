using System.Text.Json;
using ChatBedrock.Domain;

namespace ChatBedrock.Hosts.Lambda.Tests;

/// <summary>One CloudWatch embedded-metric-format line per turn in the function's JSON log.</summary>
public sealed class EmbeddedMetricsTests : IAsyncLifetime
{
    private readonly LambdaHostFixture _host = LambdaHostFixture.Start();

    [Fact]
    public async Task Turn_WritesOneEmfLineWithTokensAndLatency()
    {
        _host.Model.Answer("a", "short", "answer");
        var invocation = _host.Runtime.Invoke("""{"input_text": "hello there"}""");
        await invocation.AnswerAsync();

        var line = MetricsOf(invocation.RequestId).Should().ContainSingle().Subject;
        var directive = line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0];
        directive.GetProperty("Namespace").GetString().Should().Be("ChatBedrock");
        directive.GetProperty("Dimensions").EnumerateArray().Single().GetArrayLength().Should().Be(0);
        directive.GetProperty("Metrics").EnumerateArray().Select(m => m.GetProperty("Name").GetString())
            .Should().Equal("InputTokens", "OutputTokens", "TurnLatency", "Errors");
        line.GetProperty("_aws").GetProperty("Timestamp").GetInt64().Should().BePositive();
        line.GetProperty("InputTokens").GetInt64().Should().BePositive();
        line.GetProperty("OutputTokens").GetInt64().Should().BePositive();
        line.GetProperty("TurnLatency").GetDouble().Should().BeGreaterThanOrEqualTo(0);
        line.GetProperty("Errors").GetInt32().Should().Be(0);
        line.GetProperty("level").GetString().Should().Be("INFO", "it is shaped as the other log lines");
        line.GetRawText().Should().NotContain("hello there").And.NotContain("short");
    }

    [Fact]
    public async Task FailedTurn_IsCountedUnderItsErrorCode()
    {
        _host.Model.Fail(new ChatException(ChatErrorCode.ModelThrottled, "slow down"));
        var invocation = _host.Runtime.Invoke("""{"input_text": "hi"}""");
        await invocation.AnswerAsync();

        var line = MetricsOf(invocation.RequestId).Should().ContainSingle().Subject;
        line.GetProperty("_aws").GetProperty("CloudWatchMetrics")[0].GetProperty("Dimensions")[0].EnumerateArray()
            .Select(d => d.GetString()).Should().Equal("ErrorType");
        line.GetProperty("ErrorType").GetString().Should().Be("ModelThrottled");
        line.GetProperty("Errors").GetInt32().Should().Be(1);
    }

    private List<JsonElement> MetricsOf(string requestId) =>
        [.. _host.Log.Entries.Where(e => e.TryGetProperty("_aws", out _) && e.TryGetProperty("requestId", out var id) && id.GetString() == requestId)];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
