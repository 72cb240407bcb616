using System.Text;
using System.Text.Json;
using ChatBedrock.Testing.Bedrock;

namespace ChatBedrock.Hosts.Lambda.Tests.EndToEnd;

/// <summary>
/// The host with the real DynamoDB store and Bedrock model in response-streaming mode (<c>CHAT_STREAMING=true</c>):
/// Bedrock's ConverseStream deltas relayed as Server-Sent Events, failures after the first byte in the trailers.
/// </summary>
public sealed class StreamingEndToEndTests(AwsBackends aws)
{
    private static readonly Dictionary<string, string> EventStream = new() { ["accept"] = "text/event-stream" };

    [Theory]
    [InlineData("langchain")]
    [InlineData("turns")]
    public async Task EventStream_RelaysBedrocksDeltasAsTheyCome_AndStoresTheTurnOnlyOnceTheAnswerCompletes(string layout)
    {
        await using var host = await RealAdapterHost.StartAsync(aws, layout, streaming: true);
        var resume = new TaskCompletionSource();
        host.Bedrock.Enqueue(BedrockReply.Text("新潟は", "晴れ", "です。") with { ResumeAfterFirstDelta = resume.Task });
        var session = RealAdapterHost.NewSessionId();

        var invocation = host.Host.Runtime.Invoke(Chat(session, "天気は？"));
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var prelude = FunctionUrlStreamingTests.Prelude(await invocation.Chunks.Reader.ReadAsync(limit.Token));
        var start = Encoding.UTF8.GetString(await invocation.Chunks.Reader.ReadAsync(limit.Token));
        var firstDelta = Encoding.UTF8.GetString(await invocation.Chunks.Reader.ReadAsync(limit.Token));
        var storedWhileAnswering = await host.StoredAsync(session);
        resume.SetResult();
        var call = await invocation.AnswerAsync();
        var storedAfter = await host.StoredAsync(session);

        prelude.GetProperty("statusCode").GetInt32().Should().Be(200);
        start.Should().Be($"event: start\ndata: {{\"session_id\":\"{session}\"}}\n\n");
        firstDelta.Should().Be("event: delta\ndata: {\"text\":\"新潟は\"}\n\n");
        storedWhileAnswering.Should().BeEmpty("the answer is not complete yet");
        var events = call.Chunks.Skip(1).Select(c => Encoding.UTF8.GetString(c)).ToList();
        events.Select(e => e.Split('\n')[0]).Should().Equal("event: start", "event: delta", "event: delta", "event: delta", "event: done");
        var done = JsonDocument.Parse(events[^1].Split('\n')[1]["data: ".Length..]).RootElement;
        done.GetProperty("output_text").GetString().Should().Be("新潟は晴れです。");
        done.GetProperty("usage").GetProperty("output_tokens").GetInt32().Should().Be(3);
        call.Trailers.Should().BeEmpty();
        storedAfter.Should().ContainSingle();
        host.Bedrock.Requests.Single().Operation.Should().Be("converse-stream");
    }

    [Fact]
    public async Task ExceptionFrameMidStream_EndsWithAnErrorEventAndErrorTrailers_AndStoresNothing()
    {
        await using var host = await RealAdapterHost.StartAsync(aws, streaming: true);
        host.Bedrock.Enqueue(BedrockReply.Text("partial", " answer") with { StreamExceptionType = "modelStreamErrorException" });
        var session = RealAdapterHost.NewSessionId();

        var call = await host.InvokeAsync(Chat(session, "hi"));
        var history = await host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", $"/sessions/{session}/messages"));

        FunctionUrlStreamingTests.Prelude(call.Chunks[0]).GetProperty("statusCode").GetInt32().Should().Be(200);
        Encoding.UTF8.GetString(call.Chunks[^2]).Should().Be("event: delta\ndata: {\"text\":\" answer\"}\n\n");
        Encoding.UTF8.GetString(call.Chunks[^1]).Should().StartWith("event: error\n").And.Contain("\"type\":\"ModelUnavailable\"");
        call.Trailers["Lambda-Runtime-Function-Error-Type"].Should().Be("ModelUnavailable");
        var trailerBody = JsonDocument.Parse(Convert.FromBase64String(call.Trailers["Lambda-Runtime-Function-Error-Body"])).RootElement;
        trailerBody.GetProperty("errorType").GetString().Should().Be("ModelUnavailable");
        trailerBody.GetProperty("errorMessage").GetString().Should().Contain("modelStreamErrorException");
        FunctionUrlStreamingTests.Prelude(history.Chunks[0]).GetProperty("statusCode").GetInt32().Should().Be(404);
        (await host.StoredAsync(session)).Should().BeEmpty();
    }

    [Fact]
    public async Task ThrottledBedrock_IsA429PreludeWithRetryAfter_WithoutTrailers()
    {
        await using var host = await RealAdapterHost.StartAsync(aws, streaming: true, retryBedrock: false);
        host.Bedrock.Enqueue(BedrockReply.Throttle() with { RetryAfter = TimeSpan.FromSeconds(3) });

        var call = await host.InvokeAsync(Chat(RealAdapterHost.NewSessionId(), "hi"));

        var prelude = FunctionUrlStreamingTests.Prelude(call.Chunks[0]);
        prelude.GetProperty("statusCode").GetInt32().Should().Be(429);
        prelude.GetProperty("headers").GetProperty("retry-after").GetString().Should().Be("3");
        Encoding.UTF8.GetString(call.Chunks[1]).Should().Contain("\"type\":\"ModelThrottled\"");
        call.Trailers.Should().BeEmpty();
    }

    [Fact]
    public async Task Deadline_WhileBedrockHangsMidStream_EndsTheStreamWithModelTimeoutBeforeLambdaWould()
    {
        await using var host = await RealAdapterHost.StartAsync(aws, streaming: true);
        host.Bedrock.Enqueue(BedrockReply.Text("first", " words") with { HangAfterDeltas = true });
        var session = RealAdapterHost.NewSessionId();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(3);

        var call = await host.Host.Runtime.Invoke(Chat(session, "hi"), deadline).AnswerAsync();
        var answeredAt = DateTimeOffset.UtcNow;

        Encoding.UTF8.GetString(call.Chunks[^1]).Should().StartWith("event: error\n").And.Contain("\"type\":\"ModelTimeout\"");
        call.Trailers["Lambda-Runtime-Function-Error-Type"].Should().Be("ModelTimeout");
        answeredAt.Should().BeBefore(deadline);
        (await host.StoredAsync(session)).Should().BeEmpty();
    }

    private static string Chat(string session, string input) =>
        LambdaHostFixture.FunctionUrlEvent("POST", body: $$"""{"input_text": "{{input}}", "session_id": "{{session}}"}""", headers: EventStream);
}
