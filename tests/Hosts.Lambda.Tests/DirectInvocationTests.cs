using System.Text.Json;

namespace ChatBedrock.Hosts.Lambda.Tests;

public sealed class DirectInvocationTests : IAsyncLifetime
{
    private readonly LambdaHostFixture _host = LambdaHostFixture.Start();

    [Fact]
    public async Task SeedsConsoleTestEvent_GetsSessionIdAndOutputText()
    {
        _host.Model.Answer("おはようございます");

        var call = await _host.InvokeAsync("""{"input_text": "おはようございます。今日の新潟の天気はどうですか？"}""");

        call.IsError.Should().BeFalse();
        var reply = JsonDocument.Parse(call.Body).RootElement;
        reply.GetProperty("output_text").GetString().Should().Be("おはようございます");
        Guid.TryParse(reply.GetProperty("session_id").GetString(), out _).Should().BeTrue();
    }

    [Fact]
    public async Task SeedsEventWithSessionId_ContinuesTheConversation()
    {
        await _host.InvokeAsync("""{"input_text": "one", "session_id": "direct-1"}""");

        var call = await _host.InvokeAsync("""{"session_id": "direct-1", "input_text": "two"}""");

        JsonDocument.Parse(call.Body).RootElement.GetProperty("session_id").GetString().Should().Be("direct-1");
        _host.Model.Requests.Last().Messages.Should().HaveCount(3);
    }

    [Fact]
    public async Task HandMadeEventWithQueryStringParameters_IsReadLikeTheSeedDoes()
    {
        var call = await _host.InvokeAsync("""{"queryStringParameters": {"input_text": "from the query", "session_id": "q-1"}}""");

        var response = JsonDocument.Parse(call.Body).RootElement;
        response.GetProperty("statusCode").GetInt32().Should().Be(200);
        response.GetProperty("body").GetString().Should().Contain("echo: from the query");
    }

    [Theory]
    [InlineData("""{"session_id": "x"}""", "InputMissing")]
    [InlineData("""{"input_text": "hi", "session_id": "../x"}""", "SessionIdInvalid")]
    [InlineData("""{"input_text": 1}""", "RequestInvalid")]
    [InlineData("not json", "RequestInvalid")]
    public async Task InvalidInput_IsAnInvocationErrorWithAStableType(string payload, string errorType)
    {
        var call = await _host.InvokeAsync(payload);

        call.IsError.Should().BeTrue();
        call.Headers["Lambda-Runtime-Function-Error-Type"].Should().Be(errorType);
        var error = JsonDocument.Parse(call.Body).RootElement;
        error.GetProperty("errorType").GetString().Should().Be(errorType);
        error.GetProperty("errorMessage").GetString().Should().NotBeNullOrEmpty();
        error.GetProperty("stackTrace").GetArrayLength().Should().Be(0);
    }

    [Fact]
    public async Task Deadline_IsAModelTimeoutInvocationError()
    {
        _host.Model.Hang();

        var call = await _host.InvokeAsync("""{"input_text": "hi"}""", DateTimeOffset.UtcNow.AddMilliseconds(1200));

        call.IsError.Should().BeTrue();
        call.Headers["Lambda-Runtime-Function-Error-Type"].Should().Be("ModelTimeout");
    }

    [Fact]
    public async Task UnexpectedModelFailure_IsAGenericInternalError_AndTheLoopGoesOn()
    {
        _host.Model.Fail(new InvalidOperationException("internal detail"));

        var failed = await _host.InvokeAsync("""{"input_text": "hi"}""");
        var next = await _host.InvokeAsync("""{"input_text": "again"}""");

        failed.Headers["Lambda-Runtime-Function-Error-Type"].Should().Be("InternalError");
        failed.Text.Should().NotContain("internal detail");
        next.IsError.Should().BeFalse();
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
