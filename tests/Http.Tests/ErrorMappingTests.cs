using ChatBedrock.Domain;

namespace ChatBedrock.Http.Tests;

public sealed class ErrorMappingTests : IDisposable
{
    private readonly HttpFixture _http = new();

    [Theory]
    [InlineData(ChatErrorCode.ModelInvalidRequest, 400)]
    [InlineData(ChatErrorCode.ModelThrottled, 429)]
    [InlineData(ChatErrorCode.ModelAccessDenied, 502)]
    [InlineData(ChatErrorCode.ModelNotFound, 502)]
    [InlineData(ChatErrorCode.ModelUnavailable, 502)]
    [InlineData(ChatErrorCode.ModelNotConfigured, 503)]
    [InlineData(ChatErrorCode.StoreUnavailable, 503)]
    [InlineData(ChatErrorCode.ModelTimeout, 504)]
    public async Task ChatException_FromTheModel_MapsToItsStatus_WithTheCodeAsType(ChatErrorCode code, int status)
    {
        _http.Model.Fail(new ChatException(code, "What went wrong, for the caller."));

        var (response, error) = await _http.PostAsync("""{"input_text": "Hi"}""");

        response.StatusCode.Should().Be(status);
        error!.StatusCode.Should().Be(status);
        var detail = response.Json.GetProperty("error");
        detail.GetProperty("type").GetString().Should().Be(code.ToString());
        detail.GetProperty("message").GetString().Should().Be("What went wrong, for the caller.");
        response.Header("retry-after").Should().Be(code == ChatErrorCode.ModelThrottled ? "1" : null);
    }

    [Theory]
    [InlineData("""{"input_text": ""}""", 400, "InputMissing")]
    [InlineData("""{"input_text": "Hi", "session_id": "a/b"}""", 400, "SessionIdInvalid")]
    [InlineData("""{"input_text": "\ud800"}""", 400, "InputInvalid")]
    [InlineData("""{"input_text": "Hi", "session_id": "\udc00"}""", 400, "SessionIdInvalid")]
    [InlineData("""{"input_text": 42}""", 400, "RequestInvalid")]
    [InlineData("""{"input_text": "Hi", "session_id": ["x"]}""", 400, "RequestInvalid")]
    [InlineData("""[{"input_text": "Hi"}]""", 400, "RequestInvalid")]
    [InlineData("""{"input_text": "Hi"} {}""", 400, "RequestInvalid")]
    [InlineData("""{"input_text": "Hi""", 400, "RequestInvalid")]
    [InlineData("", 400, "RequestInvalid")]
    public async Task BadBody_GetsItsDocumentedError(string body, int status, string type)
    {
        var (response, _) = await _http.PostAsync(body);

        response.StatusCode.Should().Be(status);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be(type);
        _http.Model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task InputLongerThanTheMaximum_Is413()
    {
        var (response, _) = await _http.PostAsync($$"""{"input_text": "{{new string('a', 16_001)}}"}""");

        response.StatusCode.Should().Be(413);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("InputTooLong");
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413_BeforeItIsParsed()
    {
        var (response, _) = await _http.PostAsync(new string('{', 300 * 1024));

        response.StatusCode.Should().Be(413);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("RequestTooLarge");
    }

    [Fact]
    public async Task UnexpectedException_Is500_WithAGenericMessage_AndNoInternalDetail()
    {
        _http.Model.Fail(new InvalidOperationException("secret connection string Password=hunter2"));

        var (response, _) = await _http.PostAsync("""{"input_text": "Hi"}""");

        response.StatusCode.Should().Be(500);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("InternalError");
        response.Text.Should().NotContain("hunter2").And.NotContain("InvalidOperationException").And.NotContain(" at ");
    }

    [Fact]
    public async Task Deadline_BeforeTheAnswer_Is504ModelTimeout()
    {
        _http.Model.Hang();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var (response, _) = await _http.SendAsync("GET", "/", "input_text=hi", cancellationToken: deadline.Token);

        response.StatusCode.Should().Be(504);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("ModelTimeout");
    }

    [Fact]
    public async Task UnreadableRequest_IsAnsweredThroughTheSameMapping()
    {
        var response = new RecordingResponse();

        var error = await _http.Handler.HandleUnreadableAsync(
            "POST", "/", headers: null, new ChatException(ChatErrorCode.RequestInvalid, "The body is not valid base64."), response, TestContext.Current.CancellationToken);

        error.StatusCode.Should().Be(400);
        response.StatusCode.Should().Be(400);
        response.Json.GetProperty("error").GetProperty("message").GetString().Should().Be("The body is not valid base64.");
    }

    [Theory]
    [InlineData("POST", "/")]
    [InlineData(null, null)]
    public async Task UnreadableRequest_FromAnAllowedOrigin_CarriesItsCorsHeaders(string? method, string? path)
    {
        using var http = new HttpFixture(o => o.AllowedOrigins.Add("https://chat.example.com"));
        var response = new RecordingResponse();
        var headers = new Dictionary<string, string> { ["Origin"] = "https://chat.example.com", ["content-type"] = "application/json" };

        await http.Handler.HandleUnreadableAsync(
            method, path, headers, new ChatException(ChatErrorCode.RequestInvalid, "The request body could not be read."), response, TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(400);
        response.Header("access-control-allow-origin").Should().Be("https://chat.example.com", "a browser shows the error only with it");
        response.Header("access-control-expose-headers").Should().Be("retry-after");
        response.Header("vary").Should().Be("origin");
    }

    [Fact]
    public async Task UnreadableRequest_FromAnotherOrigin_CarriesNoCorsHeaders()
    {
        using var http = new HttpFixture(o => o.AllowedOrigins.Add("https://chat.example.com"));
        var response = new RecordingResponse();

        await http.Handler.HandleUnreadableAsync(
            "POST", "/", [new("origin", "https://evil.example")], new ChatException(ChatErrorCode.RequestInvalid, "Unreadable."), response, TestContext.Current.CancellationToken);

        response.Header("access-control-allow-origin").Should().BeNull();
    }

    public void Dispose() => _http.Dispose();
}
