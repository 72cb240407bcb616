using ChatBedrock.Domain;

namespace ChatBedrock.Http.Tests;

/// <summary>
/// One rule for what a request may hold (issue 12, point 4): a turn's body is JSON and says so (415 otherwise),
/// and query values and path segments are strict percent-encoded UTF-8, refused with the code JSON would get.
/// </summary>
public sealed class RequestEncodingTests : IDisposable
{
    private readonly HttpFixture _http = new();

    [Theory]
    [InlineData("text/plain")]
    [InlineData("text/plain;charset=UTF-8")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/jsonp")]
    [InlineData("")]
    public async Task TurnBody_NotSentAsJson_Is415_AndReachesNoModel(string contentType)
    {
        var (response, error) = await _http.SendAsync("POST", "/", body: """{"input_text": "hi"}""", headers: new() { ["content-type"] = contentType });

        response.StatusCode.Should().Be(415);
        error!.Type.Should().Be(nameof(ChatErrorCode.UnsupportedMediaType));
        _http.Model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task TurnBody_WithoutAContentType_Is415()
    {
        var request = new ChatHttpRequest("POST", "/", body: """{"input_text": "hi"}"""u8.ToArray());
        var response = new RecordingResponse();

        await _http.Handler.HandleAsync(request, response, TestContext.Current.CancellationToken);

        response.StatusCode.Should().Be(415);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON;Charset=\"UTF-8\"")]
    public async Task TurnBody_SentAsJson_IsAnswered(string contentType)
    {
        var (response, _) = await _http.SendAsync("POST", "/", body: """{"input_text": "hi"}""", headers: new() { ["content-type"] = contentType });

        response.StatusCode.Should().Be(200);
    }

    [Theory]
    [InlineData("input_text=%FF", "InputInvalid")]                  // not UTF-8
    [InlineData("input_text=a%ED%A0%80b", "InputInvalid")]          // an encoded lone surrogate
    [InlineData("input_text=%C0%AF", "InputInvalid")]               // an overlong encoding
    [InlineData("input_text=100%", "InputInvalid")]                 // '%' without two hex digits
    [InlineData("input_text=%zz", "InputInvalid")]
    [InlineData("input_text=hi&session_id=%FF", "SessionIdInvalid")]
    [InlineData("input_text=hi&session_id=%ED%B0%80", "SessionIdInvalid")]
    public async Task QueryValue_NotValidUtf8_IsRefusedLikeTheSameBytesInJson(string query, string type)
    {
        var (response, error) = await _http.SendAsync("GET", "/", query);

        response.StatusCode.Should().Be(400);
        error!.Type.Should().Be(type);
        _http.Model.Requests.Should().BeEmpty();
    }

    [Theory]
    [InlineData("GET", "/sessions/%ED%A0%80/messages")]
    [InlineData("GET", "/sessions/%FF/messages")]
    [InlineData("GET", "/sessions/a%2/messages")]
    [InlineData("DELETE", "/sessions/%ED%A0%80")]
    [InlineData("DELETE", "/sessions/%zz")]
    public async Task SessionIdInThePath_NotValidUtf8_Is400SessionIdInvalid_Not404(string method, string path)
    {
        var (response, error) = await _http.SendAsync(method, path);

        response.StatusCode.Should().Be(400);
        error!.Type.Should().Be(nameof(ChatErrorCode.SessionIdInvalid));
    }

    [Fact]
    public async Task MalformedEncoding_NeverAliasesTheIdItWouldReadAsLiterally()
    {
        await _http.PostAsync("""{"input_text": "mine", "session_id": "%FF"}""");

        var literal = await _http.SendAsync("GET", "/sessions/%25FF/messages");
        var malformed = await _http.SendAsync("GET", "/sessions/%FF/messages");

        literal.Response.StatusCode.Should().Be(200, "%25FF is the id %FF");
        malformed.Response.StatusCode.Should().Be(400, "%FF is not UTF-8, and is not read as the id '%FF'");
    }

    [Fact]
    public async Task EquivalentEncodingsOfOneId_ReachOneSession()
    {
        await _http.PostAsync("""{"input_text": "mine", "session_id": "abc日"}""");

        foreach (var path in new[] { "/sessions/abc%E6%97%A5/messages", "/sessions/%61bc%e6%97%a5/messages" })
        {
            var (response, _) = await _http.SendAsync("GET", path);
            response.Json.GetProperty("session_id").GetString().Should().Be("abc日");
        }
    }

    public void Dispose() => _http.Dispose();
}
