using System.Text;
using System.Text.Json;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Lambda;

namespace ChatBedrock.Hosts.Lambda.Tests;

public sealed class FunctionUrlBufferedTests : IAsyncLifetime
{
    private readonly LambdaHostFixture _host = LambdaHostFixture.Start();

    [Fact]
    public async Task SeedsGetWithInputText_IsAnsweredWithAPayload20Response()
    {
        _host.Model.Answer("晴れです");

        var call = await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: "input_text=%E5%A4%A9%E6%B0%97"));

        call.IsError.Should().BeFalse();
        call.Headers["content-type"].Should().Be("application/json");
        var response = JsonDocument.Parse(call.Body).RootElement;
        response.GetProperty("statusCode").GetInt32().Should().Be(200);
        response.GetProperty("isBase64Encoded").GetBoolean().Should().BeFalse();
        response.GetProperty("headers").GetProperty("content-type").GetString().Should().Be("application/json; charset=utf-8");
        var body = JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement;
        body.GetProperty("output_text").GetString().Should().Be("晴れです");
        body.GetProperty("session_id").GetString().Should().NotBeNullOrEmpty();
        _host.Model.Requests.Single().Messages[^1].Content.Should().Be("天気");
    }

    [Fact]
    public async Task UnreadableBody_FromAnAllowedOrigin_Is400WithItsCorsHeaders()
    {
        await using var host = LambdaHostFixture.Start(new() { ["CHAT_CORS_ALLOWED_ORIGINS"] = "https://chat.example.com" });
        var unreadable = LambdaHostFixture.FunctionUrlEvent("POST", body: "***not base64***", headers: new() { ["origin"] = "https://chat.example.com" })
            .Replace("\"isBase64Encoded\":false", "\"isBase64Encoded\":true", StringComparison.Ordinal);

        var response = Payload(await host.InvokeAsync(unreadable));

        response.GetProperty("statusCode").GetInt32().Should().Be(400);
        response.GetProperty("headers").GetProperty("access-control-allow-origin").GetString().Should().Be("https://chat.example.com");
    }

    [Fact]
    public async Task PostWithABase64Body_IsDecoded()
    {
        var call = await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("POST", body: """{"input_text": "base64 body", "session_id": "s64"}""", base64: true));

        var response = JsonDocument.Parse(call.Body).RootElement;
        response.GetProperty("statusCode").GetInt32().Should().Be(200);
        response.GetProperty("body").GetString().Should().Contain("echo: base64 body").And.Contain("s64");
    }

    [Fact]
    public async Task EveryRoute_IsServedThroughTheSharedSurface()
    {
        await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("POST", body: """{"input_text": "one", "session_id": "routes"}"""));

        var page = Payload(await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET")));
        var messages = Payload(await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", "/sessions/routes/messages")));
        var status = Payload(await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", "/status")));
        var preflight = Payload(await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("OPTIONS", "/")));
        var delete = Payload(await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("DELETE", "/sessions/routes")));
        var gone = Payload(await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", "/sessions/routes/messages")));
        var missing = Payload(await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", "/nowhere")));
        var wrongMethod = Payload(await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("PATCH", "/")));

        page.GetProperty("statusCode").GetInt32().Should().Be(200);
        page.GetProperty("headers").GetProperty("content-type").GetString().Should().StartWith("text/html");
        page.GetProperty("body").GetString().Should().Contain("<html");
        messages.GetProperty("statusCode").GetInt32().Should().Be(200);
        messages.GetProperty("body").GetString().Should().Contain("\"role\":\"user\"");
        status.GetProperty("statusCode").GetInt32().Should().Be(200);
        // The labels are what the registered store and model say of themselves: this host runs on the test's fakes.
        status.GetProperty("body").GetString().Should().Contain("\"store\":\"memory\"").And.Contain("\"provider\":\"scripted\"");
        preflight.GetProperty("statusCode").GetInt32().Should().Be(204);
        delete.GetProperty("statusCode").GetInt32().Should().Be(204);
        gone.GetProperty("statusCode").GetInt32().Should().Be(404);
        missing.GetProperty("statusCode").GetInt32().Should().Be(404);
        wrongMethod.GetProperty("statusCode").GetInt32().Should().Be(405);
        wrongMethod.GetProperty("headers").GetProperty("allow").GetString().Should().Be("GET, HEAD, POST, OPTIONS");
    }

    [Fact]
    public async Task ThrottledModel_Is429WithRetryAfter()
    {
        _host.Model.Fail(new ChatException(ChatErrorCode.ModelThrottled, "Slow down.", TimeSpan.FromSeconds(4)));

        var response = Payload(await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: "input_text=hi")));

        response.GetProperty("statusCode").GetInt32().Should().Be(429);
        response.GetProperty("headers").GetProperty("retry-after").GetString().Should().Be("4");
    }

    [Fact]
    public async Task Deadline_CancelsTheModelAndAnswers504BeforeLambdaWould()
    {
        _host.Model.Hang();

        var call = await _host.InvokeAsync(
            LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: "input_text=hi"), DateTimeOffset.UtcNow.AddMilliseconds(1500));

        var response = Payload(call);
        response.GetProperty("statusCode").GetInt32().Should().Be(504);
        response.GetProperty("body").GetString().Should().Contain("ModelTimeout");
    }

    [Fact]
    public async Task RefusedResponse_IsReportedAsAnError_AndTheNextInvocationStillWorks()
    {
        var refused = _host.Runtime.Invoke(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: "input_text=hi"), answerStatus: 413);

        (await refused.AnswerAsync()).IsError.Should().BeFalse("the response was tried first");
        var error = await refused.AnswerAsync();
        var next = await _host.InvokeAsync(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: "input_text=again"));

        error.IsError.Should().BeTrue();
        error.Headers["Lambda-Runtime-Function-Error-Type"].Should().Be("InternalError");
        Payload(next).GetProperty("statusCode").GetInt32().Should().Be(200);
    }

    internal static JsonElement Payload(FakeRuntimeApi.RecordedCall call)
    {
        call.IsError.Should().BeFalse(Encoding.UTF8.GetString(call.Body));
        return JsonDocument.Parse(call.Body).RootElement;
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
