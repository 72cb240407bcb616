using ChatBedrock.Domain;

namespace ChatBedrock.Http.Tests;

/// <summary><c>POST /sessions/import</c>: an exported chat becomes a new session (issue 15).</summary>
public sealed class SessionImportRouteTests : IDisposable
{
    private readonly HttpFixture _http = new();

    [Fact]
    public async Task ExportedMessages_ImportIntoANewSession_ThatReadsBackTheSame()
    {
        await _http.PostAsync("""{"input_text": "おはよう", "session_id": "orig"}""");
        await _http.PostAsync("""{"input_text": "two", "session_id": "orig"}""");
        var (exported, _) = await _http.SendAsync("GET", "/sessions/orig/messages");
        var export = exported.Text.Insert(1, "\"format\": \"chatbedrock.chat\", \"version\": 1, \"title\": \"Morning\", ");

        var (response, _) = await _http.SendAsync("POST", "/sessions/import", body: export);

        response.StatusCode.Should().Be(201);
        var id = response.Json.GetProperty("session_id").GetString()!;
        id.Should().NotBe("orig", "an import never takes the exported id");
        var (read, _) = await _http.SendAsync("GET", $"/sessions/{Uri.EscapeDataString(id)}/messages");
        read.Json.GetProperty("messages").GetRawText().Should().Be(exported.Json.GetProperty("messages").GetRawText());
    }

    [Fact]
    public async Task Import_KeepsAStoppedAnswersMark()
    {
        var (response, _) = await _http.SendAsync("POST", "/sessions/import",
            body: """{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "par", "interrupted": true}]}""");

        var stored = await _http.Repository.LoadAsync(SessionId.Parse(response.Json.GetProperty("session_id").GetString()), null, TestContext.Current.CancellationToken);
        stored[1].Interrupted.Should().BeTrue();
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"messages": "no"}""")]
    [InlineData("""{"messages": [null, null]}""")]
    [InlineData("""{"messages": [{"role": "assistant", "content": "a"}, {"role": "user", "content": "q"}]}""")]
    [InlineData("""{"format": "other", "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}""")]
    [InlineData("""{"version": 2, "messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}""")]
    public async Task Import_OfSomethingElse_Is400RequestInvalid(string body)
    {
        var (response, _) = await _http.SendAsync("POST", "/sessions/import", body: body);

        response.StatusCode.Should().Be(400);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("RequestInvalid");
    }

    public void Dispose() => _http.Dispose();
}
