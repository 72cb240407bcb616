using System.Text;
using System.Text.Json;

namespace ChatBedrock.Hosts.Lambda.Tests;

/// <summary>
/// Malformed events, each answered with its documented error by one long-lived host, which then still answers
/// a valid request. Direct invocations fail with an invocation error (<c>errorType</c>); Function URL events
/// get a payload-2.0 response with the status and <c>{"error": {"type"}}</c>.
/// </summary>
public sealed class BadInputCorpusTests(BadInputCorpusTests.Host host) : IClassFixture<BadInputCorpusTests.Host>
{
    private static readonly string Long = new('a', 16_001);
    private static readonly string OneMegabyte = new('x', 1024 * 1024);

    private static readonly Dictionary<string, (byte[] Payload, int? Status, string Type)> Corpus = new()
    {
        ["direct: not JSON"] = (Utf8("not json"), null, "RequestInvalid"),
        ["direct: empty"] = (Utf8(""), null, "RequestInvalid"),
        ["direct: null"] = (Utf8("null"), null, "RequestInvalid"),
        ["direct: array"] = (Utf8("""[{"input_text": "hi"}]"""), null, "RequestInvalid"),
        ["direct: string"] = (Utf8("\"input_text\""), null, "RequestInvalid"),
        ["direct: number"] = (Utf8("42"), null, "RequestInvalid"),
        ["direct: input_text a number"] = (Utf8("""{"input_text": 42}"""), null, "RequestInvalid"),
        ["direct: input_text a boolean"] = (Utf8("""{"input_text": true}"""), null, "RequestInvalid"),
        ["direct: input_text an array"] = (Utf8("""{"input_text": ["hi"]}"""), null, "RequestInvalid"),
        ["direct: input_text an object"] = (Utf8("""{"input_text": {"text": "hi"}}"""), null, "RequestInvalid"),
        ["direct: input_text null"] = (Utf8("""{"input_text": null}"""), null, "InputMissing"),
        ["direct: no fields"] = (Utf8("{}"), null, "InputMissing"),
        ["direct: input_text blank"] = (Utf8("""{"input_text": " \t\n "}"""), null, "InputMissing"),
        ["direct: session_id a number"] = (Utf8("""{"input_text": "hi", "session_id": 7}"""), null, "RequestInvalid"),
        ["direct: session_id with ../"] = (Utf8("""{"input_text": "hi", "session_id": "../../etc/passwd"}"""), null, "SessionIdInvalid"),
        ["direct: session_id with NUL"] = (Utf8("""{"input_text": "hi", "session_id": "a\u0000b"}"""), null, "SessionIdInvalid"),
        ["direct: session_id with a line break"] = (Utf8("""{"input_text": "hi", "session_id": "line\nbreak"}"""), null, "SessionIdInvalid"),
        ["direct: session_id too long"] = (Utf8($$"""{"input_text": "hi", "session_id": "{{new string('s', 129)}}"}"""), null, "SessionIdInvalid"),
        ["direct: input_text a lone surrogate"] = (Utf8("""{"input_text": "\ud800"}"""), null, "InputInvalid"),
        ["direct: session_id a lone surrogate"] = (Utf8("""{"input_text": "hi", "session_id": "\udfff"}"""), null, "SessionIdInvalid"),
        ["direct: input_text not UTF-8"] = ([.. Utf8("""{"input_text": "a"""), 0xFF, 0xFE, .. Utf8("\"}")], null, "InputInvalid"),
        ["direct: truncated"] = (Utf8("""{"input_text": "hi"""), null, "RequestInvalid"),
        ["direct: trailing garbage"] = (Utf8("""{"input_text": "hi"} trailing"""), null, "RequestInvalid"),
        ["direct: input_text too long"] = (Utf8($$"""{"input_text": "{{Long}}"}"""), null, "InputTooLong"),
        ["direct: 1 MB body"] = (Utf8($$"""{"input_text": "{{OneMegabyte}}"}"""), null, "RequestTooLarge"),
        ["url: unknown route"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("GET", "/admin")), 404, "NotFound"),
        ["url: unknown method on /"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("PUT", "/", body: "{}")), 405, "MethodNotAllowed"),
        ["url: TRACE /status"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("TRACE", "/status")), 405, "MethodNotAllowed"),
        ["url: ../ in the session path"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("GET", "/sessions/..%2F..%2Fetc/messages")), 400, "SessionIdInvalid"),
        ["url: line break in the session path"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("DELETE", "/sessions/%0A")), 400, "SessionIdInvalid"),
        ["url: invalid base64 body"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("POST", body: "***not base64***") .Replace("\"isBase64Encoded\":false", "\"isBase64Encoded\":true", StringComparison.Ordinal)), 400, "RequestInvalid"),
        ["url: 2 MB body"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("POST", body: OneMegabyte + OneMegabyte)), 413, "RequestTooLarge"),
        ["url: body not JSON"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("POST", body: "input_text=hi")), 400, "RequestInvalid"),
        ["url: no body"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("POST", headers: new() { ["content-type"] = "application/json" })), 400, "RequestInvalid"),
        ["url: no body, no content type"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("POST")), 415, "UnsupportedMediaType"),
        ["url: input_text null"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("POST", body: """{"input_text": null}""")), 400, "InputMissing"),
        ["url: empty input_text in the query"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: "input_text=")), 400, "InputMissing"),
        ["url: / as session_id in the query"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: "input_text=hi&session_id=%2F")), 400, "SessionIdInvalid"),
        ["url: bad session id on an event stream"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("POST", body: """{"input_text": "hi", "session_id": "x/y"}""", headers: new() { ["accept"] = "text/event-stream" })), 400, "SessionIdInvalid"),
        ["url: headers not an object"] = (Utf8("""{"rawPath": "/", "headers": 5, "requestContext": {"http": {"method": "GET"}}}"""), 400, "RequestInvalid"),
        ["url: body a number"] = (Utf8("""{"rawPath": "/", "body": 5, "requestContext": {"http": {"method": "POST"}}}"""), 400, "RequestInvalid"),
        ["url: isBase64Encoded a string"] = (Utf8("""{"rawPath": "/", "body": "e30=", "isBase64Encoded": "yes", "requestContext": {"http": {"method": "POST"}}}"""), 400, "RequestInvalid"),
        ["url: requestContext a string"] = (Utf8("""{"rawPath": "/", "requestContext": "x"}"""), 400, "RequestInvalid"),
        ["url: no method"] = (Utf8("""{"rawPath": "/", "rawQueryString": "input_text=hi", "requestContext": {"http": {}}}"""), 400, "RequestInvalid"),
        ["url: no requestContext.http"] = (Utf8("""{"rawPath": "/", "rawQueryString": "input_text=hi", "requestContext": {}}"""), 400, "RequestInvalid"),
        ["url: no rawPath"] = (Utf8("""{"rawQueryString": "input_text=hi", "requestContext": {"http": {"method": "GET"}}}"""), 400, "RequestInvalid"),
        ["url: empty rawPath"] = (Utf8("""{"rawPath": "", "rawQueryString": "input_text=hi", "requestContext": {"http": {"method": "GET"}}}"""), 400, "RequestInvalid"),
        ["url: empty method"] = (Utf8("""{"rawPath": "/", "rawQueryString": "input_text=hi", "requestContext": {"http": {"method": ""}}}"""), 400, "RequestInvalid"),
        ["url: body sent as text/plain"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("POST", body: """{"input_text": "hi"}""", headers: new() { ["content-type"] = "text/plain" })), 415, "UnsupportedMediaType"),
        ["url: cross-site turn"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: "input_text=hi", headers: new() { ["sec-fetch-site"] = "cross-site", ["origin"] = "https://evil.example" })), 403, "CrossSiteRequestRefused"),
        ["url: cross-site delete"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("DELETE", "/sessions/s-1", headers: new() { ["sec-fetch-site"] = "same-site" })), 403, "CrossSiteRequestRefused"),
        ["url: input_text not UTF-8 in the query"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("GET", rawQuery: "input_text=%FF%FE")), 400, "InputInvalid"),
        ["url: encoded lone surrogate in the session path"] = (Utf8(LambdaHostFixture.FunctionUrlEvent("GET", "/sessions/%ED%A0%80/messages")), 400, "SessionIdInvalid"),
        ["url: null fields"] = (Utf8("""{"rawPath": null, "rawQueryString": null, "headers": null, "body": null, "requestContext": {"http": {"method": "POST"}}}"""), 400, "RequestInvalid"),
    };

    public static TheoryData<string> Cases() => [.. Corpus.Keys];

    [Fact]
    public void Corpus_HasAtLeastThirtyEvents() => Corpus.Should().HaveCountGreaterThanOrEqualTo(30);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task MalformedEvent_GetsItsDocumentedError_AndAValidRequestStillSucceedsAfterwards(string name)
    {
        var (payload, status, type) = Corpus[name];

        var call = await host.Fixture.Runtime.Invoke(payload).AnswerAsync();

        if (status is null)
        {
            call.IsError.Should().BeTrue(call.Text);
            call.Headers["Lambda-Runtime-Function-Error-Type"].Should().Be(type);
            JsonDocument.Parse(call.Body).RootElement.GetProperty("errorType").GetString().Should().Be(type);
        }
        else
        {
            var response = FunctionUrlBufferedTests.Payload(call);
            response.GetProperty("statusCode").GetInt32().Should().Be(status);
            JsonDocument.Parse(response.GetProperty("body").GetString()!).RootElement
                .GetProperty("error").GetProperty("type").GetString().Should().Be(type);
        }

        var valid = await host.Fixture.InvokeAsync("""{"input_text": "still here?"}""");
        valid.IsError.Should().BeFalse(valid.Text);
        JsonDocument.Parse(valid.Body).RootElement.GetProperty("output_text").GetString().Should().Be("echo: still here?");
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>One host for the whole corpus: every event goes to the same process.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public LambdaHostFixture Fixture { get; } = LambdaHostFixture.Start();

        public ValueTask InitializeAsync() => ValueTask.CompletedTask;

        public ValueTask DisposeAsync() => Fixture.DisposeAsync();
    }
}
