using ChatBedrock.Domain;

namespace ChatBedrock.Http.Tests;

/// <summary>A turn's idempotency key over HTTP: the <c>Idempotency-Key</c> header or the <c>request_id</c> field.</summary>
public sealed class IdempotencyKeyTests : IDisposable
{
    private readonly HttpFixture _http = new();

    public void Dispose() => _http.Dispose();

    [Fact]
    public async Task Post_RepeatedWithTheSameHeader_AnswersTheStoredReplyWithTheSameShape_AndStoresOnce()
    {
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "k-header" };
        await _http.PostAsync("""{"input_text": "first", "session_id": "idem-h"}""");
        var (first, _) = await _http.PostAsync("""{"input_text": "again?", "session_id": "idem-h"}""", headers);

        var (second, _) = await _http.PostAsync("""{"input_text": "again?", "session_id": "idem-h"}""", headers);

        second.StatusCode.Should().Be(200);
        second.Json.GetProperty("output_text").GetString().Should().Be(first.Json.GetProperty("output_text").GetString());
        second.Json.GetProperty("session_id").GetString().Should().Be("idem-h");
        second.Json.GetProperty("stop_reason").GetString().Should().Be("replayed");
        second.Json.GetProperty("usage").GetProperty("total_tokens").GetInt32().Should().Be(0);
        _http.Model.Requests.Should().HaveCount(2);
        (await _http.Repository.LoadAsync(SessionId.Parse("idem-h"), null, TestContext.Current.CancellationToken)).Should().HaveCount(4);
    }

    [Fact]
    public async Task Post_RepeatedWithTheSameRequestIdField_StreamsStartOneDeltaAndDone_WithoutTheModel()
    {
        await _http.PostAsync("""{"input_text": "first", "session_id": "idem-f"}""");
        var (first, _) = await _http.StreamAsync("""{"input_text": "q", "session_id": "idem-f", "request_id": "k-field"}""");

        var (second, _) = await _http.StreamAsync("""{"input_text": "q", "session_id": "idem-f", "request_id": "k-field"}""");

        var events = second.Events();
        events.Select(e => e.Event).Should().Equal("start", "delta", "done");
        events[1].Data.GetProperty("text").GetString().Should().Be(first.Events()[^1].Data.GetProperty("output_text").GetString());
        _http.Model.Requests.Should().HaveCount(2);
    }

    [Fact]
    public async Task Get_WithTheRequestIdQueryField_IsIdempotentToo()
    {
        await _http.SendAsync("GET", "/", "input_text=hi&session_id=idem-q");
        await _http.SendAsync("GET", "/", "input_text=again&session_id=idem-q&request_id=k-q");

        await _http.SendAsync("GET", "/", "input_text=again&session_id=idem-q&request_id=k-q");

        _http.Model.Requests.Should().HaveCount(2);
    }

    [Theory]
    [InlineData("""{"input_text": "q", "request_id": ""}""", null)]
    [InlineData("""{"input_text": "q", "request_id": "tab\there"}""", null)]
    [InlineData("""{"input_text": "q", "request_id": 5}""", null)]
    [InlineData("""{"input_text": "q", "request_id": "a"}""", "b")]
    [InlineData("""{"input_text": "q"}""", "ключ")]
    public async Task Post_WithAKeyOutsideTheRule_OrTwoKeysThatDiffer_Is400(string body, string? header)
    {
        var (response, _) = await _http.PostAsync(body, header is null ? null : new() { ["Idempotency-Key"] = header });

        response.StatusCode.Should().Be(400);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().BeOneOf(nameof(ChatErrorCode.RequestIdInvalid), nameof(ChatErrorCode.RequestInvalid));
        _http.Model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Post_ReusingAKeyForOtherText_Is409RequestIdReused()
    {
        await _http.PostAsync("""{"input_text": "first", "session_id": "idem-r"}""");
        await _http.PostAsync("""{"input_text": "one", "session_id": "idem-r", "request_id": "k-r"}""");

        var (response, _) = await _http.PostAsync("""{"input_text": "another", "session_id": "idem-r", "request_id": "k-r"}""");

        response.StatusCode.Should().Be(409);
        response.Json.GetProperty("error").GetProperty("type").GetString().Should().Be(nameof(ChatErrorCode.RequestIdReused));
    }
}
