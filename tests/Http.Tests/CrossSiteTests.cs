using ChatBedrock.Domain;

namespace ChatBedrock.Http.Tests;

/// <summary>
/// Pages of other sites cannot run a turn or read or delete a session (issue 12, point 1): Fetch Metadata and
/// Origin decide; clients that send neither (curl, scripts) and configured origins keep working.
/// </summary>
public sealed class CrossSiteTests : IDisposable
{
    private readonly HttpFixture _http = new(o =>
    {
        o.AllowedOrigins.Add("https://chat.example.com");
        o.TrustedOrigins.Add("https://app.example.com");
    });

    public static TheoryData<string, string, string?, string?> GuardedRoutes() => new()
    {
        { "GET", "/", "input_text=hi", null },
        { "POST", "/", null, """{"input_text": "hi"}""" },
        { "GET", "/sessions/s-1/messages", null, null },
        { "DELETE", "/sessions/s-1", null, null },
    };

    public static TheoryData<string, string, string, string, string> ForeignRequests()
    {
        var data = new TheoryData<string, string, string, string, string>();
        (string Header, string Value)[] foreign =
        [
            ("sec-fetch-site", "cross-site"),
            ("sec-fetch-site", "same-site"), // another port of the same host: another program
            ("origin", "http://evil.example"),
            ("origin", "null"),
        ];
        foreach (var (method, path, query, _) in new[] { ("GET", "/", "input_text=hi", ""), ("POST", "/", "", ""), ("GET", "/sessions/s-1/messages", "", ""), ("DELETE", "/sessions/s-1", "", "") })
        {
            foreach (var (header, value) in foreign)
            {
                data.Add(method, path, query, header, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ForeignRequests))]
    public async Task RequestOfAnotherSite_ToATurnOrASession_Is403_AndReachesNothing(string method, string path, string query, string header, string value)
    {
        await SeedSessionAsync();
        var before = _http.Model.Requests.Count;

        var (response, error) = await _http.SendAsync(
            method, path, query, method == "POST" ? """{"input_text": "hi"}""" : null, new() { [header] = value, ["host"] = "127.0.0.1:5000" });

        response.StatusCode.Should().Be(403);
        error!.Type.Should().Be(nameof(ChatErrorCode.CrossSiteRequestRefused));
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("CrossSiteRequestRefused");
        _http.Model.Requests.Should().HaveCount(before, "no model call");
        (await _http.SendAsync("GET", "/sessions/s-1/messages")).Response.StatusCode.Should().Be(200, "nothing deleted");
    }

    [Theory]
    [MemberData(nameof(GuardedRoutes))]
    public async Task RequestOfThisSiteOrOfNoBrowser_IsAnswered(string method, string path, string? query, string? body)
    {
        Dictionary<string, string>[] accepted =
        [
            [],                                                                          // curl, scripts, the hands-on
            new() { ["sec-fetch-site"] = "same-origin", ["origin"] = "http://127.0.0.1:5000" }, // the page itself
            new() { ["sec-fetch-site"] = "none" },                                       // typed in the address bar
            new() { ["origin"] = "http://127.0.0.1:5000", ["host"] = "127.0.0.1:5000" },     // no Fetch Metadata, own origin
            new() { ["sec-fetch-site"] = "cross-site", ["origin"] = "https://chat.example.com" }, // a CORS origin
            new() { ["sec-fetch-site"] = "cross-site", ["origin"] = "https://app.example.com" },  // a trusted origin
        ];

        foreach (var headers in accepted)
        {
            await SeedSessionAsync();
            var (response, _) = await _http.SendAsync(method, path, query, body, headers);
            response.StatusCode.Should().BeOneOf([200, 204], $"{string.Join(", ", headers)} is not another site");
        }
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/assets/app.js")]
    [InlineData("/status")]
    public async Task PageAssetsAndStatus_AreServedToAnySite_SinceTheySpendAndRevealNothing(string path)
    {
        var (response, _) = await _http.SendAsync("GET", path, headers: new() { ["sec-fetch-site"] = "cross-site", ["origin"] = "http://evil.example" });

        response.StatusCode.Should().Be(200);
    }

    [Fact]
    public async Task AnyOrigin_AllowedByCors_MayRunTurns()
    {
        using var open = new HttpFixture(o => o.AllowedOrigins.Add("*"));

        var (response, _) = await open.SendAsync("POST", "/", body: """{"input_text": "hi"}""", headers: new() { ["sec-fetch-site"] = "cross-site", ["origin"] = "http://anyone.example" });

        response.StatusCode.Should().Be(200);
    }

    public void Dispose() => _http.Dispose();

    private async Task SeedSessionAsync() => await _http.PostAsync("""{"input_text": "seed", "session_id": "s-1"}""");
}
