using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// The Lambda Runtime API (<c>http://$AWS_LAMBDA_RUNTIME_API/2018-06-01</c>): next event, buffered response,
/// invocation and init errors. Streamed responses need trailers, which HttpClient cannot send: see
/// <see cref="StreamingResponse"/>.
/// </summary>
internal sealed class RuntimeApiClient : IDisposable
{
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private readonly HttpClient _http;

    public RuntimeApiClient(string runtimeApi)
    {
        if (!Uri.TryCreate($"http://{runtimeApi}/2018-06-01/", UriKind.Absolute, out var baseAddress) || baseAddress.PathAndQuery != "/2018-06-01/")
        {
            throw new ArgumentException($"AWS_LAMBDA_RUNTIME_API must be host:port (was '{runtimeApi}').", nameof(runtimeApi));
        }

        Host = baseAddress.IdnHost;
        Port = baseAddress.Port;
        // /next blocks until an event arrives, which may be never: no client timeout, and no proxy on the way.
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan })
        {
            BaseAddress = baseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>Waits for the next event.</summary>
    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync("runtime/invocation/next", cancellationToken).ConfigureAwait(false);
        await EnsureAcceptedAsync(response, "next", cancellationToken).ConfigureAwait(false);
        var requestId = Header(response, "Lambda-Runtime-Aws-Request-Id")
            ?? throw new RuntimeApiException("The Runtime API sent an event without Lambda-Runtime-Aws-Request-Id.");
        DateTimeOffset? deadline = long.TryParse(Header(response, "Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
        var payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return new Invocation(requestId, deadline, Header(response, "Lambda-Runtime-Trace-Id"), payload);
    }

    /// <summary>Sends a whole (buffered) response.</summary>
    public async Task RespondAsync(string requestId, byte[] payload, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(payload);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(InvocationPath(requestId, "response"), content, cancellationToken).ConfigureAwait(false);
        await EnsureAcceptedAsync(response, "response", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reports that an invocation failed.</summary>
    public Task ReportInvocationErrorAsync(string requestId, RuntimeError error, CancellationToken cancellationToken) =>
        PostErrorAsync(InvocationPath(requestId, "error"), error, cancellationToken);

    /// <summary>Reports that initialization failed; the process must exit afterwards.</summary>
    public Task ReportInitErrorAsync(RuntimeError error, CancellationToken cancellationToken) =>
        PostErrorAsync("runtime/init/error", error, cancellationToken);

    /// <summary>A response streamed to the Runtime API over its own connection.</summary>
    public StreamingResponse StreamResponse(string requestId) => new(Host, Port, "/2018-06-01/" + InvocationPath(requestId, "response"));

    public void Dispose() => _http.Dispose();

    private async Task PostErrorAsync(string path, RuntimeError error, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(error, LambdaJsonContext.Default.RuntimeError));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.TryAddWithoutValidation(ErrorTypeHeader, error.ErrorType);
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureAcceptedAsync(response, path, cancellationToken).ConfigureAwait(false);
    }

    private static string InvocationPath(string requestId, string action) => $"runtime/invocation/{Uri.EscapeDataString(requestId)}/{action}";

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private static async Task EnsureAcceptedAsync(HttpResponseMessage response, string call, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        // The Runtime API explains a refusal in its body ({"errorType", "errorMessage"}); keep it for the log.
        var detail = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        throw new RuntimeApiException($"The Runtime API refused '{call}' with {(int)response.StatusCode}: {detail}", response.StatusCode);
    }
}

/// <summary>The Runtime API refused a call or could not be understood.</summary>
internal sealed class RuntimeApiException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}
