using System.Text.Json;

namespace ChatBedrock.Hosts.Lambda.Tests;

// Reads and writes the process-wide _X_AMZN_TRACE_ID: not in parallel with other hosts.
[CollectionDefinition(nameof(ObservabilityTests), DisableParallelization = true)]
public sealed class ObservabilityTestsDefinition;

[Collection(nameof(ObservabilityTests))]
public sealed class ObservabilityTests : IAsyncLifetime
{
    private readonly LambdaHostFixture _host = LambdaHostFixture.Start();

    [Fact]
    public async Task TraceId_IsPutInXAmznTraceId_ForTheInvocation()
    {
        _host.Model.DefaultAnswer = _ => Environment.GetEnvironmentVariable("_X_AMZN_TRACE_ID") ?? "(none)";
        const string Trace = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";

        var call = await _host.Runtime.Invoke("""{"input_text": "trace"}""", traceId: Trace).AnswerAsync();

        JsonDocument.Parse(call.Body).RootElement.GetProperty("output_text").GetString().Should().Be(Trace);
    }

    [Fact]
    public async Task Logs_AreJsonLinesWithTheRequestId_AndNeverTheMessageText()
    {
        var invocation = _host.Runtime.Invoke("""{"input_text": "a very private question"}""");
        var call = await invocation.AnswerAsync();

        call.IsError.Should().BeFalse();
        _host.Log.Lines.Should().NotContain(l => l.Contains("private question", StringComparison.Ordinal));
        var entries = _host.Log.Entries;
        entries.Should().Contain(e => e.GetProperty("message").GetString()!.StartsWith("Ready in", StringComparison.Ordinal));
        var ofInvocation = entries.Where(e => e.TryGetProperty("requestId", out var id) && id.GetString() == invocation.RequestId).ToList();
        ofInvocation.Should().NotBeEmpty();
        ofInvocation.Should().AllSatisfy(e =>
        {
            e.GetProperty("timestamp").GetString().Should().EndWith("Z");
            e.GetProperty("level").GetString().Should().BeOneOf("INFO", "WARN");
        });
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
