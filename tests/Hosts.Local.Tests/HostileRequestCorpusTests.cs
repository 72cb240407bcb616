using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ChatBedrock.Testing;

namespace ChatBedrock.Hosts.Local.Tests;

/// <summary>
/// Hostile HTTP requests sent over a raw socket to one long-lived local host (issue 12): each gets its documented
/// status, in the JSON error shape wherever the request reaches ASP.NET Core, no model call, and the host still
/// answers afterwards. Requests Kestrel refuses before any application code runs (a malformed request line or
/// headers) get Kestrel's own empty answer: <see cref="KestrelOwn"/> marks them (README, "Errors").
/// </summary>
public sealed class HostileRequestCorpusTests(HostileRequestCorpusTests.Host host) : IClassFixture<HostileRequestCorpusTests.Host>
{
    /// <summary>The type of an answer Kestrel writes itself: empty body, no JSON.</summary>
    private const string KestrelOwn = "(kestrel)";

    /// <summary>The type of an answer to HEAD: headers only.</summary>
    private const string NoBody = "(no body)";

    private const string Json = "content-type: application/json";
    private static readonly string Own = "host: 127.0.0.1:{port}";

    private static readonly Dictionary<string, (string Request, int Status, string Type)> Corpus = new()
    {
        // Other sites (point 1): refused before anything is read or spent.
        ["image: GET turn, cross-site"] = (Get("/?input_text=hi", "sec-fetch-site: cross-site"), 403, "CrossSiteRequestRefused"),
        ["image: GET turn, same-site (another port)"] = (Get("/?input_text=hi", "sec-fetch-site: same-site"), 403, "CrossSiteRequestRefused"),
        ["GET turn, foreign Origin without Fetch Metadata"] = (Get("/?input_text=hi", "origin: http://evil.example"), 403, "CrossSiteRequestRefused"),
        ["GET turn, Origin null (sandboxed frame)"] = (Get("/?input_text=hi", "origin: null"), 403, "CrossSiteRequestRefused"),
        ["form: text/plain POST, cross-site"] = (Post("{\"input_text\": \"hi\"}", "content-type: text/plain", "sec-fetch-site: cross-site", "origin: http://evil.example"), 403, "CrossSiteRequestRefused"),
        ["fetch: JSON POST, cross-site"] = (Post("{\"input_text\": \"hi\"}", Json, "sec-fetch-site: cross-site", "origin: http://evil.example"), 403, "CrossSiteRequestRefused"),
        ["fetch: JSON POST from another loopback port"] = (Post("{\"input_text\": \"hi\"}", Json, "sec-fetch-site: same-site", "origin: http://127.0.0.1:1"), 403, "CrossSiteRequestRefused"),
        ["fetch: event stream, cross-site"] = (Post("{\"input_text\": \"hi\"}", Json, "accept: text/event-stream", "sec-fetch-site: cross-site"), 403, "CrossSiteRequestRefused"),
        ["read a session, cross-site"] = (Get("/sessions/s-1/messages", "sec-fetch-site: cross-site"), 403, "CrossSiteRequestRefused"),
        ["read a session, same-site"] = (Get("/sessions/s-1/messages", "sec-fetch-site: same-site"), 403, "CrossSiteRequestRefused"),
        ["delete a session, cross-site"] = (Send("DELETE", "/sessions/s-1", null, "sec-fetch-site: cross-site"), 403, "CrossSiteRequestRefused"),
        ["delete a session, foreign Origin"] = (Send("DELETE", "/sessions/s-1", null, "origin: http://localhost:1"), 403, "CrossSiteRequestRefused"),

        // Host names (DNS rebinding): only loopback names and the --urls hosts.
        ["Host: evil.example"] = (Raw("GET / HTTP/1.1\r\nhost: evil.example\r\n"), 400, "RequestInvalid"),
        ["Host: evil.example with the port"] = (Raw("GET /?input_text=hi HTTP/1.1\r\nhost: evil.example:{port}\r\n"), 400, "RequestInvalid"),
        ["Host: a name resolving to 127.0.0.1"] = (Raw("GET /status HTTP/1.1\r\nhost: 127.0.0.1.nip.io:{port}\r\n"), 400, "RequestInvalid"),
        ["Host: localhost as a subdomain"] = (Raw("GET / HTTP/1.1\r\nhost: localhost.evil.example\r\n"), 400, "RequestInvalid"),
        ["Host: another IPv6 address"] = (Raw("GET / HTTP/1.1\r\nhost: [::2]:{port}\r\n"), 400, "RequestInvalid"),
        ["HTTP/1.0 without Host"] = (Raw("GET /status HTTP/1.0\r\n"), 400, "RequestInvalid"),
        ["absolute-form target of another host"] = (Raw("GET http://evil.example/status HTTP/1.1\r\nhost: evil.example\r\n"), 400, "RequestInvalid"),

        // A turn's body is JSON (415 otherwise).
        ["POST text/plain"] = (Post("{\"input_text\": \"hi\"}", "content-type: text/plain"), 415, "UnsupportedMediaType"),
        ["POST form-urlencoded (curl -d)"] = (Post("input_text=hi", "content-type: application/x-www-form-urlencoded"), 415, "UnsupportedMediaType"),
        ["POST multipart"] = (Post("--x\r\n\r\nhi\r\n--x--", "content-type: multipart/form-data; boundary=x"), 415, "UnsupportedMediaType"),
        ["POST without a content type"] = (Post("{\"input_text\": \"hi\"}"), 415, "UnsupportedMediaType"),
        ["POST JSON in Latin-1"] = (Post("{\"input_text\": \"hi\"}", "content-type: application/json; charset=iso-8859-1"), 415, "UnsupportedMediaType"),

        // One Unicode rule for query, JSON and path.
        ["query: input_text not UTF-8"] = (Get("/?input_text=%FF%FE"), 400, "InputInvalid"),
        ["query: input_text an encoded lone surrogate"] = (Get("/?input_text=a%ED%A0%80"), 400, "InputInvalid"),
        ["query: input_text overlong UTF-8"] = (Get("/?input_text=%C0%AF"), 400, "InputInvalid"),
        ["query: input_text with a bare %"] = (Get("/?input_text=50%"), 400, "InputInvalid"),
        ["query: input_text empty"] = (Get("/?input_text="), 400, "InputMissing"),
        ["query: input_text blank"] = (Get("/?input_text=+%20+"), 400, "InputMissing"),
        ["query: session_id not UTF-8"] = (Get("/?input_text=hi&session_id=%FF"), 400, "SessionIdInvalid"),
        ["query: session_id with ../"] = (Get("/?input_text=hi&session_id=..%2F..%2Fetc"), 400, "SessionIdInvalid"),
        ["query: session_id a NUL"] = (Get("/?input_text=hi&session_id=a%00b"), 400, "SessionIdInvalid"),
        ["path: an encoded lone surrogate"] = (Get("/sessions/%ED%A0%80/messages"), 400, "SessionIdInvalid"),
        ["path: not UTF-8"] = (Get("/sessions/%FF/messages"), 400, "SessionIdInvalid"),
        ["path: a bare %"] = (Send("DELETE", "/sessions/%zz", null), 400, "SessionIdInvalid"),
        ["path: ../ encoded"] = (Get("/sessions/..%2F..%2Fetc/messages"), 400, "SessionIdInvalid"),
        ["path: NUL encoded (Kestrel refuses %00 in a path)"] = (Get("/sessions/%00/messages"), 400, KestrelOwn),
        ["path: line break encoded"] = (Send("DELETE", "/sessions/%0A", null), 400, "SessionIdInvalid"),
        ["path: dot segment as id"] = (Get("/sessions/%2E%2E/messages"), 400, "SessionIdInvalid"),
        ["path: id of 129 characters"] = (Get($"/sessions/{new string('s', 129)}/messages"), 400, "SessionIdInvalid"),
        ["path: empty id"] = (Get("/sessions//messages"), 400, "SessionIdInvalid"),

        // Bodies.
        ["JSON: not JSON"] = (Post("not json", Json), 400, "RequestInvalid"),
        ["JSON: an array"] = (Post("[{\"input_text\": \"hi\"}]", Json), 400, "RequestInvalid"),
        ["JSON: input_text a number"] = (Post("{\"input_text\": 42}", Json), 400, "RequestInvalid"),
        ["JSON: input_text an escaped lone surrogate"] = (Post("{\"input_text\": \"\\ud800\"}", Json), 400, "InputInvalid"),
        ["JSON: session_id with /"] = (Post("{\"input_text\": \"hi\", \"session_id\": \"a/b\"}", Json), 400, "SessionIdInvalid"),
        ["JSON: nested 200 deep"] = (Post("{\"x\": " + new string('[', 200) + new string(']', 200) + ", \"input_text\": \"hi\"}", Json), 400, "RequestInvalid"),
        ["JSON: trailing garbage"] = (Post("{\"input_text\": \"hi\"} {}", Json), 400, "RequestInvalid"),
        ["JSON: input_text too long"] = (Post($"{{\"input_text\": \"{new string('a', 16_001)}\"}}", Json), 413, "InputTooLong"),
        ["JSON: body over 256 KiB"] = (Post($"{{\"input_text\": \"{new string('a', 300 * 1024)}\"}}", Json), 413, "RequestTooLarge"),
        ["chunked: a malformed chunk size"] = (Raw("POST / HTTP/1.1\r\n" + Own + "\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nnot-a-size\r\n\r\n", headersEnd: false), 400, "RequestInvalid"),

        // Routes and methods.
        ["unknown path"] = (Get("/admin"), 404, "NotFound"),
        ["path traversal under /assets"] = (Get("/assets/../../etc/passwd"), 404, "NotFound"),
        ["encoded traversal under /assets"] = (Get("/assets/%2e%2e/%2e%2e/etc/passwd"), 404, "NotFound"),
        ["double slash"] = (Get("//status"), 404, "NotFound"),
        ["PUT /"] = (Send("PUT", "/", "{}", Json), 405, "MethodNotAllowed"),
        ["TRACE /"] = (Send("TRACE", "/", null), 405, "MethodNotAllowed"),
        ["PATCH a session"] = (Send("PATCH", "/sessions/s-1", "{}", Json), 405, "MethodNotAllowed"),
        ["DELETE /"] = (Send("DELETE", "/", null), 405, "MethodNotAllowed"),
        ["HEAD with input_text runs no turn"] = (Send("HEAD", "/?input_text=hi", null), 405, NoBody),

        // Refused by Kestrel before any application code runs: its own empty answer (documented).
        ["raw UTF-8 in the target"] = (Raw("GET /?input_text=\u65e5\u672c HTTP/1.1\r\n" + Own + "\r\n"), 400, KestrelOwn),
        ["NUL in the target"] = (Raw("GET /\0 HTTP/1.1\r\n" + Own + "\r\n"), 400, KestrelOwn),
        ["HTTP/1.1 without Host"] = (Raw("GET / HTTP/1.1\r\n"), 400, KestrelOwn),
        ["two Host headers"] = (Raw("GET / HTTP/1.1\r\n" + Own + "\r\n" + Own + "\r\n"), 400, KestrelOwn),
        ["a header line without a colon"] = (Raw("GET / HTTP/1.1\r\n" + Own + "\r\nnot a header\r\n"), 400, KestrelOwn),
        ["a method with invalid characters"] = (Raw("G@T / HTTP/1.1\r\n" + Own + "\r\n"), 400, KestrelOwn),
        ["a negative Content-Length"] = (Raw("POST / HTTP/1.1\r\n" + Own + "\r\ncontent-length: -1\r\n"), 400, KestrelOwn),
        ["a request line over 8 KiB"] = (Raw($"GET /?input_text={new string('a', 9000)} HTTP/1.1\r\n" + Own + "\r\n"), 414, KestrelOwn),
        ["headers over 32 KiB"] = (Raw("GET / HTTP/1.1\r\n" + Own + $"\r\nx-big: {new string('a', 33 * 1024)}\r\n"), 431, KestrelOwn),
    };

    public static TheoryData<string> Cases() => [.. Corpus.Keys];

    [Fact]
    public void Corpus_HasAtLeastSixtyRequests() => Corpus.Should().HaveCountGreaterThanOrEqualTo(60);

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task HostileRequest_GetsItsDocumentedAnswer_ReachesNoModel_AndTheHostStillAnswers(string name)
    {
        var (request, status, type) = Corpus[name];
        var calls = host.Model.Requests.Count;

        var answer = await SendRawAsync(request.Replace("{port}", host.Running.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

        answer.Head.Should().StartWith($"HTTP/1.1 {status} ", answer.Head);
        answer.Head.Should().NotContainEquivalentOf("server:");
        if (type == KestrelOwn || type == NoBody)
        {
            answer.Body.Should().BeEmpty();
        }
        else
        {
            answer.Head.Should().ContainEquivalentOf("content-type: application/json; charset=utf-8");
            answer.Head.Should().ContainEquivalentOf("x-frame-options: DENY");
            var error = JsonDocument.Parse(answer.Body).RootElement.GetProperty("error");
            error.GetProperty("type").GetString().Should().Be(type);
            error.GetProperty("message").GetString().Should().NotBeNullOrWhiteSpace();
        }

        host.Model.Requests.Should().HaveCount(calls, "a hostile request reaches no model");
        var alive = await SendRawAsync(Get("/status").Replace("{port}", host.Running.Address.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));
        alive.Head.Should().StartWith("HTTP/1.1 200 ");
    }

    private static string Get(string target, params string[] headers) => Send("GET", target, null, headers);

    private static string Post(string body, params string[] headers) => Send("POST", "/", body, headers);

    private static string Send(string method, string target, string? body, params string[] headers)
    {
        var text = new StringBuilder($"{method} {target} HTTP/1.1\r\n{Own}\r\n");
        foreach (var header in headers)
        {
            text.Append(header).Append("\r\n");
        }

        if (body is not null)
        {
            text.Append("content-length: ").Append(Encoding.UTF8.GetByteCount(body)).Append("\r\n\r\n").Append(body);
            return "BODY:" + text;
        }

        return text.ToString();
    }

    private static string Raw(string head, bool headersEnd = true) => headersEnd ? head : "BODY:" + head;

    /// <summary>Sends one request with <c>Connection: close</c> and reads the whole answer.</summary>
    private static async Task<(string Head, string Body)> SendRawAsync(string request)
    {
        var complete = request.StartsWith("BODY:", StringComparison.Ordinal);
        var text = complete ? request[5..] : request;
        if (!complete)
        {
            text += "connection: close\r\n\r\n";
        }
        else
        {
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            text = end < 0 ? text : text[..end] + "\r\nconnection: close" + text[end..];
        }

        using var client = new TcpClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        await client.ConnectAsync("127.0.0.1", HostPort, timeout.Token);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(text), timeout.Token);
        using var buffer = new MemoryStream();
        try
        {
            await stream.CopyToAsync(buffer, timeout.Token);
        }
        catch (IOException)
        {
            // Kestrel may reset a connection it refused once its answer is out.
        }

        var answer = Encoding.UTF8.GetString(buffer.ToArray());
        var split = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (split < 0)
        {
            return (answer, string.Empty);
        }

        var (head, body) = (answer[..split], answer[(split + 4)..]);
        return (head, head.Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase) ? Unchunk(body) : body);
    }

    private static string Unchunk(string body)
    {
        var text = new StringBuilder();
        var at = 0;
        while (at < body.Length)
        {
            var lineEnd = body.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = Convert.ToInt32(body[at..lineEnd], 16);
            if (size == 0)
            {
                break;
            }

            // Sizes count bytes; the bodies here are ASCII JSON (non-ASCII text is \u-escaped).
            text.Append(body, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }

        return text.ToString();
    }

    private static int HostPort { get; set; }

    /// <summary>One host for the whole corpus, a session to target, and a scripted model that counts its calls.</summary>
    public sealed class Host : IAsyncLifetime
    {
        public ScriptedLanguageModel Model { get; } = new();

        internal RunningHost Running { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            Running = await RunningHost.StartAsync(["--store", "memory"], [new ScriptedModelProvider(Model), new Models.LocalModelProvider()]);
            HostPort = Running.Address.Port;
            await Running.PostAsync("""{"input_text": "seed", "session_id": "s-1"}""");
            Model.Requests.Should().HaveCount(1);
        }

        public async ValueTask DisposeAsync() => await Running.DisposeAsync();
    }
}
