using ChatBedrock.Application;

namespace ChatBedrock.Http.Tests;

public sealed class RoutingTests : IDisposable
{
    private readonly HttpFixture _http = new(o => o.AllowedOrigins.Add("https://chat.example.com"), store: "dynamodb");

    public RoutingTests() => _http.Model.Status = new ModelStatus("bedrock", "anthropic.claude-3-haiku-20240307-v1:0");

    [Theory]
    [InlineData(null)]
    [InlineData("session_id=abc")]
    public async Task Get_WithoutInputText_ServesTheChatPage(string? query)
    {
        var (response, _) = await _http.SendAsync("GET", "/", query);

        response.StatusCode.Should().Be(200);
        response.Header("content-type").Should().Be("text/html; charset=utf-8");
        response.Text.Should().Contain("<html");
    }

    [Fact]
    public async Task Get_UnknownAsset_Is404()
    {
        var (response, _) = await _http.SendAsync("GET", "/assets/../Http.csproj");

        response.StatusCode.Should().Be(404);
    }

    [Fact]
    public async Task Status_SaysWhichModelAndStoreAnswer()
    {
        var (response, _) = await _http.SendAsync("GET", "/status");

        response.StatusCode.Should().Be(200);
        var json = response.Json;
        json.GetProperty("model").GetProperty("provider").GetString().Should().Be("bedrock");
        json.GetProperty("model").GetProperty("model_id").GetString().Should().Be("anthropic.claude-3-haiku-20240307-v1:0");
        json.GetProperty("model").GetProperty("ready").GetBoolean().Should().BeTrue();
        json.GetProperty("store").GetString().Should().Be("dynamodb");
    }

    [Theory]
    [InlineData("GET", "/nowhere")]
    [InlineData("GET", "/sessions")]
    [InlineData("GET", "/sessions/a/b/c")]
    [InlineData("POST", "/index.html")]
    public async Task UnknownRoute_Is404WithTheErrorShape(string method, string path)
    {
        var (response, _) = await _http.SendAsync(method, path);

        response.StatusCode.Should().Be(404);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("NotFound");
        response.Json.GetProperty("error").GetProperty("message").GetString().Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("PUT", "/", "GET, HEAD, POST, OPTIONS")]
    [InlineData("DELETE", "/", "GET, HEAD, POST, OPTIONS")]
    [InlineData("POST", "/status", "GET, HEAD, OPTIONS")]
    [InlineData("POST", "/sessions/x/messages", "GET, HEAD, OPTIONS")]
    [InlineData("GET", "/sessions/x", "DELETE, OPTIONS")]
    public async Task KnownRoute_WrongMethod_Is405WithAllow(string method, string path, string allow)
    {
        var (response, _) = await _http.SendAsync(method, path);

        response.StatusCode.Should().Be(405);
        response.Header("allow").Should().Be(allow);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("MethodNotAllowed");
    }

    [Fact]
    public async Task Preflight_FromAnAllowedOrigin_Is204WithCorsHeaders()
    {
        var (response, _) = await _http.SendAsync("OPTIONS", "/", headers: new()
        {
            ["Origin"] = "https://chat.example.com",
            ["Access-Control-Request-Method"] = "POST",
        });

        response.StatusCode.Should().Be(204);
        response.Header("access-control-allow-origin").Should().Be("https://chat.example.com");
        response.Header("access-control-allow-methods").Should().Contain("POST");
        response.Header("access-control-allow-headers").Should().Contain("content-type");
        response.Header("vary").Should().Be("origin");
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/sessions/x")]
    [InlineData("/nowhere")]
    public async Task Preflight_AllowsEveryMethodOfTheRouteTable(string path)
    {
        var (response, _) = await _http.SendAsync("OPTIONS", path, headers: new() { ["origin"] = "https://chat.example.com" });

        response.Header("allow").Should().Be("GET, HEAD, POST, DELETE, OPTIONS");
        response.Header("access-control-allow-methods").Should().Be("GET, HEAD, POST, DELETE, OPTIONS");
    }

    [Fact]
    public async Task Preflight_FromAnotherOrigin_Is204WithoutCorsHeaders()
    {
        var (response, _) = await _http.SendAsync("OPTIONS", "/sessions/x", headers: new() { ["origin"] = "https://evil.example" });

        response.StatusCode.Should().Be(204);
        response.Header("access-control-allow-origin").Should().BeNull();
    }

    [Fact]
    public async Task Answers_ToAnAllowedOrigin_CarryCorsHeaders_ErrorsToo()
    {
        var origin = new Dictionary<string, string> { ["origin"] = "https://chat.example.com" };

        var (ok, _) = await _http.SendAsync("GET", "/", "input_text=hi", headers: origin);
        var (failed, _) = await _http.SendAsync("GET", "/", "input_text=", headers: origin);

        ok.Header("access-control-allow-origin").Should().Be("https://chat.example.com");
        failed.StatusCode.Should().Be(400);
        failed.Header("access-control-allow-origin").Should().Be("https://chat.example.com");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("https://evil.example")]
    [InlineData("https://chat.example.com")]
    public async Task CacheableAsset_VariesByOrigin_WhateverTheOrigin(string? origin)
    {
        var (response, _) = await _http.SendAsync("GET", "/assets/app.css", headers: origin is null ? null : new() { ["origin"] = origin });

        response.StatusCode.Should().Be(200);
        response.Header("cache-control").Should().StartWith("public");
        response.Header("vary").Should().Be("origin", "a shared cache must not serve one origin's answer to another");
    }

    [Fact]
    public async Task AnyOrigin_NeedsNoVary()
    {
        using var http = new HttpFixture(o => o.AllowedOrigins.Add("*"));

        var (response, _) = await http.SendAsync("GET", "/assets/app.css", headers: new() { ["origin"] = "https://a.example" });

        response.Header("access-control-allow-origin").Should().Be("*");
        response.Header("vary").Should().BeNull();
    }

    [Theory]
    [InlineData("https://chat.example.com:443", "https://chat.example.com")]
    [InlineData("http://chat.example.com:80/", "http://chat.example.com")]
    [InlineData("HTTPS://Chat.Example.COM", "https://chat.example.com")]
    [InlineData("https://chat.example.com:8443", "https://chat.example.com:8443")]
    public async Task ConfiguredOrigin_WithADefaultPortOrCapitals_MatchesWhatTheBrowserSends(string configured, string browserSends)
    {
        using var http = new HttpFixture(o => o.AllowedOrigins.Add(configured));

        var (response, _) = await http.SendAsync("OPTIONS", "/", headers: new() { ["origin"] = browserSends, ["access-control-request-method"] = "POST" });

        response.Header("access-control-allow-origin").Should().Be(browserSends);
    }

    [Fact]
    public void Options_WithAnInvalidOrigin_FailAtStartNamingTheSetting()
    {
        var act = () => new HttpFixture(o => o.AllowedOrigins.Add("https://chat.example.com/path"));

        act.Should().Throw<Microsoft.Extensions.Options.OptionsValidationException>()
            .WithMessage("*Http:AllowedOrigins*https://chat.example.com/path*");
    }

    public void Dispose() => _http.Dispose();
}
