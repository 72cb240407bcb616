using System.Text.RegularExpressions;

namespace ChatBedrock.Http.Tests;

/// <summary>Every answer forbids framing, sniffing and referrers; HEAD answers GET routes without a body and never runs a turn.</summary>
public sealed partial class SecurityHeadersTests : IDisposable
{
    private readonly HttpFixture _http = new();

    public static TheoryData<string, string, string?, string?, string?> Answers() => new()
    {
        { "GET", "/", null, null, null },
        { "GET", "/assets/app.css", null, null, null },
        { "GET", "/status", null, null, null },
        { "GET", "/", "input_text=hi", null, null },
        { "POST", "/", null, """{"input_text": "hi"}""", "text/event-stream" },
        { "POST", "/", null, "not json", null },
        { "GET", "/nowhere", null, null, null },
        { "OPTIONS", "/", null, null, null },
        { "HEAD", "/", null, null, null },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task EveryAnswer_CarriesTheSecurityHeaders(string method, string path, string? query, string? body, string? accept)
    {
        var (response, _) = await _http.SendAsync(method, path, query, body, accept is null ? null : new() { ["accept"] = accept });

        response.Header("content-security-policy").Should().Contain("frame-ancestors 'none'");
        response.Header("x-frame-options").Should().Be("DENY");
        response.Header("referrer-policy").Should().Be("no-referrer");
        response.Header("x-content-type-options").Should().Be("nosniff");
        response.Headers.Count(h => h.Key == "x-content-type-options").Should().Be(1);
    }

    [Fact]
    public async Task ThePagesMetaPolicy_IsTheHeadersPolicyWithoutFrameAncestors()
    {
        var (response, _) = await _http.SendAsync("GET", "/");
        var meta = MetaPolicy().Match(response.Text).Groups["policy"].Value;

        (meta + "; frame-ancestors 'none'").Should().Be(response.Header("content-security-policy"));
    }

    [Theory]
    [InlineData("/", "text/html; charset=utf-8")]
    [InlineData("/status", "application/json; charset=utf-8")]
    [InlineData("/assets/app.js", "text/javascript; charset=utf-8")]
    public async Task Head_OnAGetRoute_AnswersItsStatusAndHeaders_WithoutABody(string path, string contentType)
    {
        var (response, _) = await _http.SendAsync("HEAD", path);

        response.StatusCode.Should().Be(200);
        response.Header("content-type").Should().Be(contentType);
        response.Chunks.Should().BeEmpty();
    }

    [Fact]
    public async Task Head_WithInputText_Is405_AndRunsNoTurn()
    {
        var (response, _) = await _http.SendAsync("HEAD", "/", "input_text=hi");

        response.StatusCode.Should().Be(405);
        response.Header("allow").Should().Be("GET, OPTIONS");
        _http.Model.Requests.Should().BeEmpty("a HEAD would pay for an answer nobody receives");
    }

    [Fact]
    public async Task Head_OnSessionMessages_ReadsButSendsNoBody()
    {
        await _http.PostAsync("""{"input_text": "hi", "session_id": "h-1"}""");

        var (response, _) = await _http.SendAsync("HEAD", "/sessions/h-1/messages");

        response.StatusCode.Should().Be(200);
        response.Chunks.Should().BeEmpty();
    }

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("http-equiv=\"Content-Security-Policy\" content=\"(?<policy>[^\"]+)\"")]
    private static partial Regex MetaPolicy();
}
