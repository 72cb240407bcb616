using ChatBedrock.Domain;

namespace ChatBedrock.Http.Tests;

public sealed class ChatRouteTests : IDisposable
{
    private readonly HttpFixture _http = new();

    [Fact]
    public async Task Get_WithInputTextInTheQuery_AnswersLikeTheSeed()
    {
        _http.Model.Answer("こんにちは", "！");

        var (response, error) = await _http.SendAsync("GET", "/", "input_text=%E3%81%8A%E3%81%AF%E3%82%88%E3%81%86");

        error.Should().BeNull();
        response.StatusCode.Should().Be(200);
        response.Header("content-type").Should().Be("application/json; charset=utf-8");
        var json = response.Json;
        json.GetProperty("output_text").GetString().Should().Be("こんにちは！");
        Guid.TryParse(json.GetProperty("session_id").GetString(), out _).Should().BeTrue("a new session gets a UUID");
        json.GetProperty("stop_reason").GetString().Should().Be("end_turn");
        var usage = json.GetProperty("usage");
        usage.GetProperty("total_tokens").GetInt32().Should().Be(usage.GetProperty("input_tokens").GetInt32() + usage.GetProperty("output_tokens").GetInt32());
        _http.Model.Requests.Single().Messages[^1].Content.Should().Be("おはよう");
    }

    [Fact]
    public async Task Get_WithSessionId_ContinuesThatConversation()
    {
        var (first, _) = await _http.SendAsync("GET", "/", "input_text=one");
        var session = first.Json.GetProperty("session_id").GetString()!;

        var (second, _) = await _http.SendAsync("GET", "/", $"session_id={Uri.EscapeDataString(session)}&input_text=two+words");

        second.Json.GetProperty("session_id").GetString().Should().Be(session);
        _http.Model.Requests.Last().Messages.Select(m => m.Content).Should().Equal("one", "echo: one", "two words");
    }

    [Fact]
    public async Task Post_Json_AnswersAndStoresTheTurn()
    {
        var (response, _) = await _http.PostAsync("""{"input_text": "Hello", "session_id": "my-session", "extra": [1, {"x": null}]}""");

        response.StatusCode.Should().Be(200);
        response.Json.GetProperty("session_id").GetString().Should().Be("my-session");
        var stored = await _http.Repository.LoadAsync(SessionId.Parse("my-session"), null, TestContext.Current.CancellationToken);
        stored.Select(m => m.Content).Should().Equal("Hello", "echo: Hello");
    }

    [Theory]
    [InlineData("""{"input_text": "Hi", "session_id": ""}""")]
    [InlineData("""{"input_text": "Hi", "session_id": null}""")]
    [InlineData("""{"input_text": "Hi"}""")]
    public async Task Post_WithoutSessionId_MintsOne(string body)
    {
        var (response, _) = await _http.PostAsync(body);

        Guid.TryParse(response.Json.GetProperty("session_id").GetString(), out _).Should().BeTrue();
    }

    [Fact]
    public async Task Answer_KeepsJapaneseReadableInTheJson()
    {
        _http.Model.Answer("新潟は晴れ");

        var (response, _) = await _http.PostAsync("""{"input_text": "天気は？"}""");

        response.Text.Should().Contain("新潟は晴れ");
    }

    public void Dispose() => _http.Dispose();
}
