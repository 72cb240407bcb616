using ChatBedrock.Domain;

namespace ChatBedrock.Http.Tests;

public sealed class SessionRouteTests : IDisposable
{
    private readonly HttpFixture _http = new();

    [Fact]
    public async Task GetMessages_ListsTheConversationInOrder()
    {
        await _http.PostAsync("""{"input_text": "one", "session_id": "a b"}""");
        await _http.PostAsync("""{"input_text": "two", "session_id": "a b"}""");

        var (response, _) = await _http.SendAsync("GET", "/sessions/a%20b/messages");

        response.StatusCode.Should().Be(200);
        var json = response.Json;
        json.GetProperty("session_id").GetString().Should().Be("a b");
        json.GetProperty("messages").EnumerateArray()
            .Select(m => $"{m.GetProperty("role").GetString()}:{m.GetProperty("content").GetString()}")
            .Should().Equal("user:one", "assistant:echo: one", "user:two", "assistant:echo: two");
    }

    [Fact]
    public async Task GetMessages_OfAnUnknownSession_Is404()
    {
        var (response, error) = await _http.SendAsync("GET", "/sessions/nobody/messages");

        response.StatusCode.Should().Be(404);
        error!.Type.Should().Be("NotFound");
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("NotFound");
    }

    [Theory]
    [InlineData("/sessions/..%2Fetc/messages")]
    [InlineData("/sessions/%00/messages")]
    [InlineData("/sessions//messages")]
    [InlineData("/sessions/%20/messages")]
    public async Task GetMessages_WithAnInvalidId_Is400(string path)
    {
        var (response, _) = await _http.SendAsync("GET", path);

        response.StatusCode.Should().Be(400);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("SessionIdInvalid");
    }

    [Fact]
    public async Task Delete_RemovesTheSession_AndAnswers204()
    {
        await _http.PostAsync("""{"input_text": "one", "session_id": "gone"}""");

        var (response, _) = await _http.SendAsync("DELETE", "/sessions/gone");
        var (after, _) = await _http.SendAsync("GET", "/sessions/gone/messages");

        response.StatusCode.Should().Be(204);
        response.Chunks.Should().BeEmpty();
        after.StatusCode.Should().Be(404);
        (await _http.Repository.LoadAsync(SessionId.Parse("gone"), null, TestContext.Current.CancellationToken)).Should().BeEmpty();
    }

    [Fact]
    public async Task Delete_OfAnUnknownSession_IsStill204()
    {
        var (response, _) = await _http.SendAsync("DELETE", "/sessions/never-was");

        response.StatusCode.Should().Be(204);
    }

    public void Dispose() => _http.Dispose();
}
