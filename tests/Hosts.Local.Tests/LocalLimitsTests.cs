using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ChatBedrock.Hosting;
using ChatBedrock.Testing;

namespace ChatBedrock.Hosts.Local.Tests;

/// <summary>The local host's Host names, connection and turn caps (issue 12): configurable, validated at start, and in --help.</summary>
public sealed class LocalLimitsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ScriptedLanguageModel _model = new();

    [Fact]
    public async Task ForeignHostName_Is400InTheJsonShape_UnlessAllowed()
    {
        await using var host = await RunningHost.StartAsync(["--allowed-hosts", "chat.lan"], Scripted());

        var foreign = await SendAsync(host, "evil.example");
        var allowed = await SendAsync(host, "chat.lan");
        var loopback = await SendAsync(host, "localhost");

        foreign.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await foreign.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("error").GetProperty("type").GetString().Should().Be("RequestInvalid");
        allowed.StatusCode.Should().Be(HttpStatusCode.OK);
        loopback.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Answers_CarryNoServerHeader_AndTheSecurityHeaders()
    {
        await using var host = await RunningHost.StartAsync(providers: Scripted());

        var page = await host.Client.GetAsync("/", Ct);

        page.Headers.Contains("Server").Should().BeFalse();
        page.Headers.GetValues("X-Frame-Options").Should().Equal("DENY");
        page.Headers.GetValues("Content-Security-Policy").Single().Should().Contain("frame-ancestors 'none'");
    }

    [Fact]
    public async Task BadLimits_FailAtStartNamingTheOptions()
    {
        var start = () => RunningHost.Build(["--max-connections", "0", "--max-concurrent-turns", "many", "--allowed-hosts", "http://x:1"], Scripted());

        var failure = (await start.Should().ThrowAsync<ChatConfigurationException>()).Which;
        failure.Problems.Should().Contain(p => p.StartsWith("--max-connections (CHAT_MAX_CONNECTIONS) must be a whole number from 1", StringComparison.Ordinal))
            .And.Contain(p => p.StartsWith("--max-concurrent-turns (CHAT_MAX_CONCURRENT_TURNS)", StringComparison.Ordinal))
            .And.Contain(p => p.StartsWith("--allowed-hosts (CHAT_ALLOWED_HOSTS) holds 'http://x:1'", StringComparison.Ordinal));
    }

    [Fact]
    public void Help_NamesTheNewOptions() =>
        LocalHost.Usage.Should().Contain("--allowed-hosts").And.Contain("--max-connections").And.Contain("--max-concurrent-turns");

    private static async Task<HttpResponseMessage> SendAsync(RunningHost host, string hostName)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/status");
        request.Headers.Host = hostName;
        return await host.Client.SendAsync(request, Ct);
    }

    private Models.IModelProvider[] Scripted() => [new ScriptedModelProvider(_model), new Models.LocalModelProvider()];
}
