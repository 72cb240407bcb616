using System.Text.Json;
using ChatBedrock.Testing.Bedrock;
using ChatBedrock.Testing.Lambda;

namespace ChatBedrock.Hosts.Lambda.Tests.EndToEnd;

/// <summary>
/// The host with the real DynamoDB store and Bedrock model, driven by the fake Runtime API against dynalite
/// and the Bedrock emulator, answering buffered (the Function URL's BUFFERED invoke mode and direct invocations).
/// </summary>
public sealed class BufferedEndToEndTests(AwsBackends aws)
{
    [Theory]
    [InlineData("langchain")]
    [InlineData("turns")]
    public async Task SeedsGetWithInputText_IsAnsweredByBedrock_StoredInDynamoDb_AndReadBack(string layout)
    {
        await using var host = await RealAdapterHost.StartAsync(aws, layout);
        var session = RealAdapterHost.NewSessionId();

        var (status, _, reply) = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: $"input_text=%E6%99%B4%E3%82%8C%20%E3%81%A7%E3%81%99%E3%81%8B&session_id={session}"));
        var (_, _, history) = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("GET", $"/sessions/{session}/messages"));

        status.Should().Be(200);
        reply.GetProperty("session_id").GetString().Should().Be(session);
        reply.GetProperty("output_text").GetString().Should().Be("You said: 晴れ ですか");
        history.GetProperty("messages").EnumerateArray().Select(m => (m.GetProperty("role").GetString(), m.GetProperty("content").GetString()))
            .Should().Equal(("user", "晴れ ですか"), ("assistant", "You said: 晴れ ですか"));
        var request = host.Bedrock.Requests.Single();
        (request.Operation, request.ModelId, request.Authentication, request.SigningRegion)
            .Should().Be(("converse", "anthropic.claude-3-haiku-20240307-v1:0", "SigV4", LambdaTestBed.Region));
        var stored = await host.StoredAsync(session);
        if (layout == "turns")
        {
            stored.Should().ContainSingle().Which["Assistant"].S.Should().Be("You said: 晴れ ですか");
        }
        else
        {
            stored.Should().ContainSingle().Which["History"].L.Select(m => m.M["type"].S).Should().Equal("human", "ai");
        }

        host.Host.Log.Lines.Should().NotBeEmpty().And.NotContain(line => line.Contains("晴れ", StringComparison.Ordinal), "message contents are never logged above Debug");
    }

    [Theory]
    [InlineData("langchain")]
    [InlineData("turns")]
    public async Task SeedsDirectInvocation_ContinuesTheConversationAcrossTwoInvocations(string layout)
    {
        await using var host = await RealAdapterHost.StartAsync(aws, layout);

        var first = await host.InvokeAsync("""{"input_text": "おはよう"}""");
        var session = JsonDocument.Parse(first.Body).RootElement.GetProperty("session_id").GetString();
        var second = await host.InvokeAsync($$"""{"input_text": "元気？", "session_id": "{{session}}"}""");

        first.IsError.Should().BeFalse(first.Text);
        second.IsError.Should().BeFalse(second.Text);
        var reply = JsonDocument.Parse(second.Body).RootElement;
        reply.GetProperty("session_id").GetString().Should().Be(session);
        reply.GetProperty("output_text").GetString().Should().Be("You said: 元気？");
        host.MessagesSentToBedrock(1).Should().Equal("おはよう", "You said: おはよう", "元気？");
        (await host.StoredAsync(session!)).Should().HaveCount(layout == "turns" ? 2 : 1);
    }

    [Fact]
    public async Task EveryRoute_IsServedWithTheRealStoreAndModel()
    {
        await using var host = await RealAdapterHost.StartAsync(aws);
        var session = RealAdapterHost.NewSessionId();

        var chat = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("POST", body: $$"""{"input_text": "hello", "session_id": "{{session}}"}"""));
        var messages = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("GET", $"/sessions/{session}/messages"));
        var status = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("GET", "/status"));
        var page = FunctionUrlBufferedTests.Payload(await host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET")));
        var preflight = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("OPTIONS", "/"));
        var delete = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("DELETE", $"/sessions/{session}"));
        var storedAfterDelete = await host.StoredAsync(session);
        var gone = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("GET", $"/sessions/{session}/messages"));
        var unknown = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("GET", "/nowhere"));
        var wrongMethod = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("PUT", "/", body: "{}"));

        chat.Status.Should().Be(200);
        chat.Body.GetProperty("output_text").GetString().Should().Be("You said: hello");
        chat.Body.GetProperty("usage").GetProperty("output_tokens").GetInt32().Should().Be(3, "the emulator answers one word per token");
        messages.Status.Should().Be(200);
        messages.Body.GetProperty("messages").GetArrayLength().Should().Be(2);
        status.Body.GetProperty("store").GetString().Should().Be("dynamodb");
        page.GetProperty("statusCode").GetInt32().Should().Be(200);
        page.GetProperty("headers").GetProperty("content-type").GetString().Should().StartWith("text/html");
        preflight.Status.Should().Be(204);
        delete.Status.Should().Be(204);
        storedAfterDelete.Should().BeEmpty();
        (gone.Status, gone.Body.GetProperty("error").GetProperty("type").GetString()).Should().Be((404, "NotFound"));
        unknown.Status.Should().Be(404);
        (wrongMethod.Status, wrongMethod.Body.GetProperty("error").GetProperty("type").GetString()).Should().Be((405, "MethodNotAllowed"));
    }

    [Fact]
    public async Task ThrottledBedrock_Is429WithBedrocksRetryAfter_AndNothingIsStored()
    {
        await using var host = await RealAdapterHost.StartAsync(aws, retryBedrock: false);
        host.Bedrock.Enqueue(BedrockReply.Throttle() with { RetryAfter = TimeSpan.FromSeconds(7) });
        var session = RealAdapterHost.NewSessionId();

        var (status, headers, body) = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: $"input_text=hi&session_id={session}"));

        status.Should().Be(429);
        headers.GetProperty("retry-after").GetString().Should().Be("7");
        body.GetProperty("error").GetProperty("type").GetString().Should().Be("ModelThrottled");
        (await host.StoredAsync(session)).Should().BeEmpty();
    }

    [Fact]
    public async Task Deadline_CancelsAHangingBedrockCall_AndAnswers504BeforeLambdaWould()
    {
        await using var host = await RealAdapterHost.StartAsync(aws);
        host.Bedrock.Enqueue(BedrockReply.Hang());
        var session = RealAdapterHost.NewSessionId();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(3);

        var (status, _, body) = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: $"input_text=hi&session_id={session}"), deadline);
        var answeredAt = DateTimeOffset.UtcNow;
        var next = await host.CallAsync(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: $"input_text=again&session_id={session}"));

        status.Should().Be(504);
        body.GetProperty("error").GetProperty("type").GetString().Should().Be("ModelTimeout");
        answeredAt.Should().BeBefore(deadline, "the host answers before Lambda ends the invocation itself");
        next.Status.Should().Be(200);
        (await host.StoredAsync(session)).Should().HaveCount(1, "only the completed turn is stored");
    }

    [Fact]
    public async Task AtTheDefaultLevel_ATurnWithTheRealStoreAndModel_WritesOneInformationLine_OfTheSurface()
    {
        await using var host = await RealAdapterHost.StartAsync(aws);

        var invocation = host.Host.Runtime.Invoke(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: $"input_text=hello&session_id={RealAdapterHost.NewSessionId()}"));
        (await invocation.AnswerAsync()).IsError.Should().BeFalse();
        (await host.InvokeAsync("""{"input_text": "next"}""")).IsError.Should().BeFalse(); // the first one's lines are all written by now

        host.Host.Log.Entries
            .Where(e => e.TryGetProperty("requestId", out var id) && id.GetString() == invocation.RequestId)
            .Where(e => e.GetProperty("level").GetString() == "INFO")
            .Where(e => !e.TryGetProperty("_aws", out _)) // the turn's metrics (EmbeddedMetrics), not a log message
            .Should().ContainSingle().Which.GetProperty("message").GetString().Should().Be("GET / answered 200");
    }
}
