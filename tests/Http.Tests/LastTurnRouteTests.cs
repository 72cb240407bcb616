using ChatBedrock.Domain;

namespace ChatBedrock.Http.Tests;

/// <summary><c>POST /sessions/{id}/turns/last</c>: regenerate the last answer or edit the last question (issue 15).</summary>
public sealed class LastTurnRouteTests : IDisposable
{
    private readonly HttpFixture _http = new();

    [Fact]
    public async Task Regenerate_ReplacesTheLastAnswer_AndAnswersLikeATurn()
    {
        await _http.PostAsync("""{"input_text": "one", "session_id": "s1"}""");
        await _http.PostAsync("""{"input_text": "two", "session_id": "s1"}""");
        _http.Model.Answer("two, again");

        var (response, _) = await _http.SendAsync("POST", "/sessions/s1/turns/last", body: "{}");

        response.StatusCode.Should().Be(200);
        response.Json.GetProperty("output_text").GetString().Should().Be("two, again");
        response.Json.GetProperty("session_id").GetString().Should().Be("s1");
        (await Contents("s1")).Should().Equal("one", "echo: one", "two", "two, again");
    }

    [Fact]
    public async Task Edit_Streamed_SendsStartDeltasDone_AndReplacesTheLastTurn()
    {
        await _http.PostAsync("""{"input_text": "tow", "session_id": "s2"}""");
        _http.Model.Answer("fixed ", "answer");

        var (response, _) = await _http.SendAsync("POST", "/sessions/s2/turns/last", body: """{"input_text": "two"}""",
            headers: new() { ["Accept"] = "text/event-stream" });

        response.Events().Select(e => e.Event).Should().Equal("start", "delta", "delta", "done");
        (await Contents("s2")).Should().Equal("two", "fixed answer");
    }

    [Fact]
    public async Task Redo_OfASessionWithoutTurns_Is404SessionNotFound()
    {
        var (response, _) = await _http.SendAsync("POST", "/sessions/nothing/turns/last", body: "{}");

        response.StatusCode.Should().Be(404);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("SessionNotFound");
    }

    [Fact]
    public async Task Redo_WhenAnotherTurnArrivedMeanwhile_Is409TurnChanged()
    {
        await _http.PostAsync("""{"input_text": "one", "session_id": "s3"}""");
        _http.Model.DefaultAnswer = _ =>
        {
            _http.Repository.AppendTurnAsync(SessionId.Parse("s3"), new ChatTurn(ChatMessage.User("x"), ChatMessage.Assistant("y")), CancellationToken.None)
                .GetAwaiter().GetResult();
            return "late";
        };

        var (response, _) = await _http.SendAsync("POST", "/sessions/s3/turns/last", body: "{}");

        response.StatusCode.Should().Be(409);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("TurnChanged");
    }

    [Fact]
    public async Task GetOnTheLastTurn_Is405_WithPostAllowed()
    {
        var (response, _) = await _http.SendAsync("GET", "/sessions/s1/turns/last");

        response.StatusCode.Should().Be(405);
        response.Header("allow").Should().Contain("POST");
    }

    private async Task<IEnumerable<string>> Contents(string session) =>
        (await _http.Repository.LoadAsync(SessionId.Parse(session), null, TestContext.Current.CancellationToken)).Select(m => m.Content);

    public void Dispose() => _http.Dispose();
}
