using System.Text.Json;
using ChatBedrock.Domain;
using ChatBedrock.Http.Endpoints;

namespace ChatBedrock.Http.Tests;

/// <summary><c>GET /sessions/{id}/messages</c> a page at a time: <c>limit</c>, <c>before</c>, <c>next</c> and the byte budget.</summary>
public sealed class SessionMessagesPagingTests : IDisposable
{
    private readonly HttpFixture _http = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task GetMessages_WithoutLimit_IsTheNewestHundredOldestFirst_WithNext()
    {
        await SeedAsync("long", turns: 60, content: i => $"m{i}");

        var (response, _) = await _http.SendAsync("GET", "/sessions/long/messages");

        response.StatusCode.Should().Be(200);
        Contents(response.Json).Should().Equal(Enumerable.Range(20, 100).Select(i => $"m{i}"));
        response.Json.GetProperty("next").GetString().Should().NotBeNullOrEmpty();
    }

    [Fact]
    public async Task GetMessages_FollowingNext_ReachesTheOldest_AndTheLastPageHasNextNull()
    {
        await SeedAsync("walk", turns: 5, content: i => $"m{i}");
        var seen = new List<string>();
        string? before = null;
        var pages = 0;

        do
        {
            var (response, _) = await _http.SendAsync("GET", "/sessions/walk/messages", before is null ? "limit=4" : $"limit=4&before={Uri.EscapeDataString(before)}");
            response.StatusCode.Should().Be(200);
            seen.InsertRange(0, Contents(response.Json));
            var next = response.Json.GetProperty("next");
            before = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            pages++;
        }
        while (before is not null && pages < 10);

        pages.Should().Be(3);
        seen.Should().Equal(Enumerable.Range(0, 10).Select(i => $"m{i}"));
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=1001")]
    [InlineData("limit=ten")]
    [InlineData("limit=")]
    [InlineData("limit=-1")]
    public async Task GetMessages_WithALimitOutsideOneToAThousand_Is400LimitInvalid(string query)
    {
        var (response, _) = await _http.SendAsync("GET", "/sessions/any/messages", query);

        response.StatusCode.Should().Be(400);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be(nameof(ChatErrorCode.LimitInvalid));
    }

    [Theory]
    [InlineData("before=abc")]
    [InlineData("before=")]
    [InlineData("before=-3")]
    public async Task GetMessages_WithACursorNoPageHandedOut_Is400CursorInvalid(string query)
    {
        await SeedAsync("cursor", turns: 1, content: i => $"m{i}");

        var (response, _) = await _http.SendAsync("GET", "/sessions/cursor/messages", query);

        response.StatusCode.Should().Be(400);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be(nameof(ChatErrorCode.CursorInvalid));
    }

    [Fact]
    public async Task GetMessages_WhenAPageOfTheLongestMessagesPassesTheBudget_StopsBeforeIt_AndNextHoldsTheRest()
    {
        // 16,000 characters that each take 6 bytes in JSON: about 94 KiB a message, so far fewer than 100 fit.
        await SeedAsync("heavy", turns: 30, content: i => $"{i}:" + new string('<', 16_000));
        var seen = new List<string>();
        string? before = null;
        var pages = 0;

        do
        {
            var (response, _) = await _http.SendAsync("GET", "/sessions/heavy/messages", before is null ? "limit=1000" : $"limit=1000&before={before}");
            response.Chunks.Sum(c => c.Length).Should().BeLessThanOrEqualTo(SessionMessagesEndpoint.MaxBodyBytes);
            seen.InsertRange(0, Contents(response.Json).Select(c => c[..c.IndexOf(':', StringComparison.Ordinal)]));
            var next = response.Json.GetProperty("next");
            before = next.ValueKind == JsonValueKind.Null ? null : next.GetString();
            pages++;
        }
        while (before is not null && pages < 20);

        pages.Should().BeGreaterThan(1, "60 such messages are about 5.5 MiB");
        seen.Should().Equal(Enumerable.Range(0, 60).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task GetMessages_WhenOneMessageAlonePassesTheBudget_CutsItAndMarksItTruncated()
    {
        // Stores may hold what other writers put there (a LangChain item holds up to 400 KB).
        var id = SessionId.Parse("huge");
        await _http.Repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant(new string('"', 300_000))), Ct);

        var (first, _) = await _http.SendAsync("GET", "/sessions/huge/messages");
        var (second, _) = await _http.SendAsync("GET", "/sessions/huge/messages", $"before={first.Json.GetProperty("next").GetString()}");

        first.Chunks.Sum(c => c.Length).Should().BeLessThanOrEqualTo(SessionMessagesEndpoint.MaxBodyBytes);
        var message = first.Json.GetProperty("messages").EnumerateArray().Single();
        message.GetProperty("truncated").GetBoolean().Should().BeTrue();
        message.GetProperty("content").GetString().Should().MatchRegex("^\"+$");
        Contents(second.Json).Should().Equal("q");
        second.Json.GetProperty("next").ValueKind.Should().Be(JsonValueKind.Null);
        second.Json.GetProperty("messages")[0].TryGetProperty("truncated", out _).Should().BeFalse();
    }

    private async Task SeedAsync(string session, int turns, Func<int, string> content)
    {
        for (var i = 0; i < turns; i++)
        {
            await _http.Repository.AppendTurnAsync(SessionId.Parse(session), new ChatTurn(ChatMessage.User(content(2 * i)), ChatMessage.Assistant(content((2 * i) + 1))), Ct);
        }
    }

    private static List<string> Contents(JsonElement json) =>
        [.. json.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!)];
}
