using System.Text;
using System.Text.Json;
using ChatBedrock.Domain;

namespace ChatBedrock.Hosts.Lambda.Tests;

public sealed class FunctionUrlStreamingTests : IAsyncLifetime
{
    private static readonly Dictionary<string, string> EventStream = new() { ["accept"] = "text/event-stream" };

    private readonly LambdaHostFixture _host = LambdaHostFixture.Start(new() { ["CHAT_STREAMING"] = "true" });

    [Fact]
    public async Task EventStream_IsSentAsPreludeNulsAndOneChunkPerEvent_WithoutTrailers()
    {
        _host.Model.Answer("Hel", "lo");

        var call = await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("POST", body: """{"input_text": "Hi", "session_id": "st-1"}""", headers: EventStream));

        call.Headers["Lambda-Runtime-Function-Response-Mode"].Should().Be("streaming");
        call.Headers["Transfer-Encoding"].Should().Be("chunked");
        call.Headers["Content-Type"].Should().Be("application/vnd.awslambda.http-integration-response");
        call.Headers["Trailer"].Should().Be("Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body");
        var prelude = Prelude(call.Chunks[0]);
        prelude.GetProperty("statusCode").GetInt32().Should().Be(200);
        prelude.GetProperty("headers").GetProperty("content-type").GetString().Should().Be("text/event-stream; charset=utf-8");
        prelude.GetProperty("cookies").GetArrayLength().Should().Be(0);
        call.Chunks.Skip(1).Select(c => Encoding.UTF8.GetString(c).Split('\n')[0])
            .Should().Equal("event: start", "event: delta", "event: delta", "event: done");
        Encoding.UTF8.GetString(call.Chunks[^1]).Should().Contain("\"output_text\":\"Hello\"");
        call.Trailers.Should().BeEmpty();
    }

    [Fact]
    public async Task EachEvent_ReachesTheRuntimeApiWhileTheModelIsStillWorking_ThenTheDeadlineEndsItWithTrailers()
    {
        _host.Model.Hang("first words");
        var invocation = _host.Runtime.Invoke(
            LambdaHostFixture.FunctionUrlEvent("POST", body: """{"input_text": "Hi"}""", headers: EventStream), DateTimeOffset.UtcNow.AddSeconds(3));

        // The model has not finished (it hangs until the deadline), yet the events already arrived.
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var prelude = await invocation.Chunks.Reader.ReadAsync(limit.Token);
        var start = await invocation.Chunks.Reader.ReadAsync(limit.Token);
        var delta = await invocation.Chunks.Reader.ReadAsync(limit.Token);
        Prelude(prelude).GetProperty("statusCode").GetInt32().Should().Be(200);
        Encoding.UTF8.GetString(start).Should().StartWith("event: start\n");
        Encoding.UTF8.GetString(delta).Should().Be("event: delta\ndata: {\"text\":\"first words\"}\n\n");

        var call = await invocation.AnswerAsync();
        Encoding.UTF8.GetString(call.Chunks[^1]).Should().StartWith("event: error\n").And.Contain("ModelTimeout");
        call.Trailers["Lambda-Runtime-Function-Error-Type"].Should().Be("ModelTimeout");
        var error = JsonDocument.Parse(Convert.FromBase64String(call.Trailers["Lambda-Runtime-Function-Error-Body"])).RootElement;
        error.GetProperty("errorType").GetString().Should().Be("ModelTimeout");
        error.GetProperty("errorMessage").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task ModelFailureMidStream_EndsWithAnErrorEventAndTrailers_AndStoresNothing()
    {
        _host.Model.Fail(new ChatException(ChatErrorCode.ModelUnavailable, "The model failed."), "partial");

        var call = await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("POST", body: """{"input_text": "Hi", "session_id": "st-fail"}""", headers: EventStream));
        var messages = await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", "/sessions/st-fail/messages"));

        Encoding.UTF8.GetString(call.Chunks[^1]).Should().StartWith("event: error\n");
        call.Trailers["Lambda-Runtime-Function-Error-Type"].Should().Be("ModelUnavailable");
        Prelude(messages.Chunks[0]).GetProperty("statusCode").GetInt32().Should().Be(404);
    }

    [Fact]
    public async Task ErrorBeforeTheStream_IsAnOrdinaryStatusInThePrelude_WithoutTrailers()
    {
        var call = await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("POST", body: """{"input_text": ""}""", headers: EventStream));

        Prelude(call.Chunks[0]).GetProperty("statusCode").GetInt32().Should().Be(400);
        Encoding.UTF8.GetString(call.Chunks[1]).Should().Contain("InputMissing");
        call.Trailers.Should().BeEmpty();
    }

    [Fact]
    public async Task JsonAnswer_IsStreamedAsPreludeThenBody()
    {
        var call = await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: "input_text=plain"));

        Prelude(call.Chunks[0]).GetProperty("headers").GetProperty("content-type").GetString().Should().StartWith("application/json");
        JsonDocument.Parse(call.Chunks[1]).RootElement.GetProperty("output_text").GetString().Should().Be("echo: plain");
    }

    [Fact]
    public async Task DirectInvocation_IsStillBuffered()
    {
        var call = await _host.InvokeAsync("""{"input_text": "direct"}""");

        call.Headers.Should().NotContainKey("Lambda-Runtime-Function-Response-Mode");
        JsonDocument.Parse(call.Body).RootElement.GetProperty("output_text").GetString().Should().Be("echo: direct");
    }

    /// <summary>The first chunk: the JSON prelude followed by 8 NUL bytes.</summary>
    internal static JsonElement Prelude(byte[] chunk)
    {
        chunk.Length.Should().BeGreaterThan(8);
        chunk[^8..].Should().AllBeEquivalentTo((byte)0);
        return JsonDocument.Parse(chunk.AsMemory(0, chunk.Length - 8)).RootElement;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
