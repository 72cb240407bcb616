using ChatBedrock.Domain;

namespace ChatBedrock.Http.Tests;

public sealed class StreamingTests : IDisposable
{
    private readonly HttpFixture _http = new();

    [Fact]
    public async Task Post_AcceptingEventStream_SendsStartThenEachDeltaThenDone_OneFlushedChunkEach()
    {
        _http.Model.Answer("Hel", "lo", " 世界");

        var (response, error) = await _http.StreamAsync("""{"input_text": "Hi", "session_id": "s-1"}""");

        error.Should().BeNull();
        response.StatusCode.Should().Be(200);
        response.Header("content-type").Should().Be("text/event-stream; charset=utf-8");
        response.Header("cache-control").Should().Be("no-cache");
        var events = response.Events();
        events.Select(e => e.Event).Should().Equal("start", "delta", "delta", "delta", "done");
        events[0].Data.GetProperty("session_id").GetString().Should().Be("s-1");
        events.Skip(1).Take(3).Select(e => e.Data.GetProperty("text").GetString()).Should().Equal("Hel", "lo", " 世界");
        var done = events[^1].Data;
        done.GetProperty("session_id").GetString().Should().Be("s-1");
        done.GetProperty("output_text").GetString().Should().Be("Hello 世界");
        done.GetProperty("stop_reason").GetString().Should().Be("end_turn");
        done.GetProperty("usage").GetProperty("output_tokens").GetInt32().Should().BeGreaterThan(0);
        (await _http.Repository.LoadAsync(SessionId.Parse("s-1"), null, TestContext.Current.CancellationToken)).Should().HaveCount(2);
    }

    [Fact]
    public async Task Post_AcceptingEventStream_WithoutSessionId_NamesTheMintedSessionFirst()
    {
        var (response, _) = await _http.StreamAsync("""{"input_text": "Hi"}""");

        var events = response.Events();
        var minted = events[0].Data.GetProperty("session_id").GetString();
        Guid.TryParse(minted, out _).Should().BeTrue();
        events[^1].Data.GetProperty("session_id").GetString().Should().Be(minted);
    }

    [Fact]
    public async Task ModelFailure_AfterTheFirstDelta_EndsTheStreamWithAnErrorEvent_AndStoresNothing()
    {
        _http.Model.Fail(new ChatException(ChatErrorCode.ModelUnavailable, "The model is unavailable."), "partial");

        var (response, error) = await _http.StreamAsync("""{"input_text": "Hi", "session_id": "s-2"}""");

        response.StatusCode.Should().Be(200);
        var events = response.Events();
        events.Select(e => e.Event).Should().Equal("start", "delta", "error");
        events[^1].Data.GetProperty("error").GetProperty("type").GetString().Should().Be("ModelUnavailable");
        error!.StatusCode.Should().Be(502);
        (await _http.Repository.LoadAsync(SessionId.Parse("s-2"), null, TestContext.Current.CancellationToken)).Should().BeEmpty();
    }

    [Fact]
    public async Task BadInput_IsAnOrdinaryHttpError_NotAStream()
    {
        var (response, _) = await _http.StreamAsync("""{"input_text": "  "}""");

        response.StatusCode.Should().Be(400);
        response.Header("content-type").Should().StartWith("application/json");
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be("InputMissing");
    }

    [Fact]
    public async Task ModelThrottled_BeforeAnyText_IsA429WithRetryAfter()
    {
        _http.Model.Fail(new ChatException(ChatErrorCode.ModelThrottled, "Too many requests.", TimeSpan.FromSeconds(2.2)));

        var (response, _) = await _http.StreamAsync("""{"input_text": "Hi"}""");

        response.StatusCode.Should().Be(429);
        response.Header("retry-after").Should().Be("3");
    }

    [Fact]
    public async Task Deadline_DuringTheStream_EndsWithAModelTimeoutErrorEvent()
    {
        _http.Model.Hang("first");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var (response, error) = await _http.SendAsync(
            "POST", "/", body: """{"input_text": "Hi"}""", headers: new() { ["accept"] = "text/event-stream" }, cancellationToken: deadline.Token);

        response.Events().Select(e => e.Event).Should().Equal("start", "delta", "error");
        error!.Type.Should().Be("ModelTimeout");
        error.StatusCode.Should().Be(504);
    }

    [Theory]
    [InlineData("event: delta")]
    [InlineData("event: done")]
    public async Task Deadline_JustBeforeAnEventIsWritten_EndsWithAModelTimeoutErrorEvent(string passesBefore)
    {
        _http.Model.Answer("Hel", "lo");
        using var deadline = new CancellationTokenSource();
        var recording = new RecordingResponse
        {
            BeforeWrite = chunk =>
            {
                if (chunk.StartsWith(passesBefore, StringComparison.Ordinal))
                {
                    deadline.Cancel();
                }
            },
        };

        var (response, error) = await _http.SendAsync(
            "POST", "/", body: """{"input_text": "Hi"}""", headers: new() { ["accept"] = "text/event-stream" }, cancellationToken: deadline.Token, response: recording);

        response.Events()[^1].Event.Should().Be("error");
        response.Events()[^1].Data.GetProperty("error").GetProperty("type").GetString().Should().Be("ModelTimeout");
        error!.Type.Should().Be("ModelTimeout");
    }

    public void Dispose() => _http.Dispose();
}
