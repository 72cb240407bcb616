using ChatBedrock.Domain;
using Microsoft.Extensions.Time.Testing;

namespace ChatBedrock.Http.Tests;

/// <summary>
/// Liveness and limits (issue 12, point 7): a silent model gets keep-alive comments every 15 s, no first text within
/// FirstByteTimeout is a 504, and turns past MaxConcurrentTurns are 503 ServerBusy. Time is a FakeTimeProvider.
/// </summary>
public sealed class LivenessTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task SilentModel_GetsAKeepAliveCommentEvery15Seconds()
    {
        using var http = new HttpFixture(o => o.FirstByteTimeout = TimeSpan.FromMinutes(15), time: _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        http.Model.Hang();
        var keepAlives = 0;
        var response = new RecordingResponse { BeforeWrite = chunk => keepAlives += chunk == ": keep-alive\n\n" ? 1 : 0 };

        var turn = http.SendAsync("POST", "/", body: """{"input_text": "hi"}""", headers: new() { ["accept"] = "text/event-stream" }, cancellationToken: deadline.Token, response: response);
        await AdvanceUntilAsync(() => keepAlives >= 2, TimeSpan.FromSeconds(15));
        await deadline.CancelAsync();
        await turn;

        response.StatusCode.Should().Be(200, "a silent model commits the stream to send its comments");
        response.Text.Should().StartWith("event: start\n").And.Contain("\n\n: keep-alive\n\n: keep-alive\n\n");
    }

    [Fact]
    public async Task NoFirstTextWithinFirstByteTimeout_Is504ModelTimeout_AndNothingIsStored()
    {
        using var http = new HttpFixture(o => o.FirstByteTimeout = TimeSpan.FromSeconds(5), time: _time);
        http.Model.Hang();

        var turn = http.SendAsync("POST", "/", body: """{"input_text": "hi", "session_id": "fb-1"}""", headers: new() { ["accept"] = "text/event-stream" });
        await AdvanceUntilAsync(() => turn.IsCompleted, TimeSpan.FromSeconds(1));
        var (response, error) = await turn;

        response.StatusCode.Should().Be(504, "nothing was sent yet: an ordinary status");
        error!.Type.Should().Be(nameof(ChatErrorCode.ModelTimeout));
        error.Message.Should().Contain("5 seconds");
        (await http.SendAsync("GET", "/sessions/fb-1/messages")).Response.StatusCode.Should().Be(404);
    }

    [Fact]
    public async Task FirstText_InTime_DisarmsTheFirstByteTimeout()
    {
        using var http = new HttpFixture(o => o.FirstByteTimeout = TimeSpan.FromSeconds(5), time: _time);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        http.Model.Hang("first words");

        var turn = http.SendAsync("POST", "/", body: """{"input_text": "hi"}""", headers: new() { ["accept"] = "text/event-stream" }, cancellationToken: deadline.Token);
        for (var i = 0; i < 4; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(5));
            await Task.Delay(5, Ct);
        }

        var stillRunning = !turn.IsCompleted;
        await deadline.CancelAsync();
        var (response, _) = await turn;

        stillRunning.Should().BeTrue("the first text came in time");
        response.Text.Should().Contain("first words").And.NotContain("sent nothing");
    }

    [Fact]
    public async Task TurnsPastMaxConcurrentTurns_Are503ServerBusyWithRetryAfter_BeforeTheModel()
    {
        using var http = new HttpFixture(o => o.MaxConcurrentTurns = 1);
        using var first = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        http.Model.Hang("working");
        var running = http.SendAsync("POST", "/", body: """{"input_text": "one"}""", headers: new() { ["accept"] = "text/event-stream" }, cancellationToken: first.Token);

        var (busy, error) = await http.SendAsync("GET", "/", "input_text=two");
        await first.CancelAsync();
        await running;
        var (after, _) = await http.SendAsync("GET", "/", "input_text=three");

        busy.StatusCode.Should().Be(503);
        error!.Type.Should().Be(nameof(ChatErrorCode.ServerBusy));
        busy.Header("retry-after").Should().Be("1");
        after.StatusCode.Should().Be(200, "the slot is free again once the first turn ended");
        http.Model.Requests.Select(r => r.Messages[^1].Content).Should().Equal("one", "three");
    }

    /// <summary>Advances the fake clock a step at a time until <paramref name="done"/> (bounded: 200 steps).</summary>
    private async Task AdvanceUntilAsync(Func<bool> done, TimeSpan step)
    {
        for (var i = 0; i < 200 && !done(); i++)
        {
            _time.Advance(step);
            await Task.Delay(5, Ct); // lets the continuations the step released run
        }

        done().Should().BeTrue();
    }
}
