using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// The Lambda Runtime API (<c>http://$AWS_LAMBDA_RUNTIME_API/2018-06-01</c>): next event, buffered response,
/// invocation and init errors, as HTTP/1.1 over one kept-alive loopback connection written by hand. Not
/// HttpClient: its first request costs milliseconds of set-up that would sit before the first <c>/next</c>
/// (docs/benchmarks.md), and the Runtime API needs none of what it offers. Streamed responses need
/// trailers and a connection of their own: see <see cref="StreamingResponse"/>.
/// </summary>
internal sealed class RuntimeApiClient : IDisposable
{
    public const string ErrorTypeHeader = "Lambda-Runtime-Function-Error-Type";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TaskCompletionSource _firstNextSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstEventReceived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly string _hostHeader;
    private RuntimeApiConnection? _connection;

    public RuntimeApiClient(string runtimeApi)
    {
        if (!Uri.TryCreate($"http://{runtimeApi}/2018-06-01/", UriKind.Absolute, out var baseAddress) || baseAddress.PathAndQuery != "/2018-06-01/")
        {
            throw new ArgumentException($"AWS_LAMBDA_RUNTIME_API must be host:port (was '{runtimeApi}').", nameof(runtimeApi));
        }

        Host = baseAddress.IdnHost;
        Port = baseAddress.Port;
        _hostHeader = $"{baseAddress.Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary>Completes once the first <c>/next</c> request is on the wire: work that must never delay it may start.</summary>
    public Task FirstNextSent => _firstNextSent.Task;

    /// <summary>Completes once the first <c>/next</c> has answered (with an event or not).</summary>
    public Task FirstEventReceived => _firstEventReceived.Task;

    /// <summary>Waits for the next event.</summary>
    public async Task<Invocation> NextAsync(CancellationToken cancellationToken)
    {
        RuntimeApiResponse response;
        try
        {
            response = await SendAsync("GET", "/2018-06-01/runtime/invocation/next", null, null, cancellationToken, _firstNextSent).ConfigureAwait(false);
        }
        finally
        {
            _firstEventReceived.TrySetResult();
        }

        EnsureAccepted(response, "next");
        var requestId = response.Header("Lambda-Runtime-Aws-Request-Id")
            ?? throw new RuntimeApiException("The Runtime API sent an event without Lambda-Runtime-Aws-Request-Id.");
        DateTimeOffset? deadline = long.TryParse(response.Header("Lambda-Runtime-Deadline-Ms"), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
            : null;
        return new Invocation(requestId, deadline, response.Header("Lambda-Runtime-Trace-Id"), response.Body);
    }

    /// <summary>Sends a whole (buffered) response.</summary>
    public async Task RespondAsync(string requestId, byte[] payload, CancellationToken cancellationToken) =>
        EnsureAccepted(await SendAsync("POST", InvocationPath(requestId, "response"), payload, null, cancellationToken).ConfigureAwait(false), "response");

    /// <summary>Reports that an invocation failed.</summary>
    public Task ReportInvocationErrorAsync(string requestId, RuntimeError error, CancellationToken cancellationToken) =>
        PostErrorAsync(InvocationPath(requestId, "error"), error, cancellationToken);

    /// <summary>Reports that initialization failed; the process must exit afterwards.</summary>
    public Task ReportInitErrorAsync(RuntimeError error, CancellationToken cancellationToken) =>
        PostErrorAsync("/2018-06-01/runtime/init/error", error, cancellationToken);

    /// <summary>A response streamed to the Runtime API over its own connection.</summary>
    public StreamingResponse StreamResponse(string requestId) => new(Host, Port, InvocationPath(requestId, "response"));

    public void Dispose()
    {
        _connection?.Dispose();
        _gate.Dispose();
    }

    private async Task PostErrorAsync(string path, RuntimeError error, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(error, LambdaJsonContext.Default.RuntimeError);
        EnsureAccepted(await SendAsync("POST", path, body, error.ErrorType, cancellationToken).ConfigureAwait(false), path);
    }

    /// <summary>One request and its response; a connection the Runtime API closed while idle is replaced once.</summary>
    private async Task<RuntimeApiResponse> SendAsync(
        string method, string path, byte[]? body, string? errorType, CancellationToken cancellationToken, TaskCompletionSource? sent = null)
    {
        var head = new StringBuilder(256)
            .Append(method).Append(' ').Append(path).Append(" HTTP/1.1\r\nHost: ").Append(_hostHeader).Append("\r\n");
        if (body is not null)
        {
            head.Append("Content-Type: application/json\r\nContent-Length: ").Append(body.Length.ToString(CultureInfo.InvariantCulture)).Append("\r\n");
        }

        if (errorType is not null)
        {
            head.Append(ErrorTypeHeader).Append(": ").Append(errorType).Append("\r\n");
        }

        var request = Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; ; attempt++)
            {
                var reused = _connection is not null;
                cancellationToken.ThrowIfCancellationRequested();
                var connection = _connection ??= RuntimeApiConnection.Open(Host, Port);
                try
                {
                    connection.Write(request, body);
                    sent?.TrySetResult();
                    return await connection.ReadResponseAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception problem) when (problem is IOException or SocketException or OperationCanceledException or RuntimeApiException)
                {
                    // The connection's state is unknown after any failure: never reuse it.
                    connection.Dispose();
                    _connection = null;
                    if (problem is IOException && reused && attempt == 0)
                    {
                        continue;
                    }

                    if (problem is OperationCanceledException or RuntimeApiException)
                    {
                        throw;
                    }

                    throw new HttpRequestException($"The Runtime API connection failed: {problem.Message}", problem);
                }
            }
        }
        catch (SocketException problem)
        {
            throw new HttpRequestException($"The Runtime API is unreachable: {problem.Message}", problem);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string InvocationPath(string requestId, string action) => $"/2018-06-01/runtime/invocation/{Uri.EscapeDataString(requestId)}/{action}";

    private static void EnsureAccepted(RuntimeApiResponse response, string call)
    {
        if (response.Status is < 200 or > 299)
        {
            // The Runtime API explains a refusal in its body ({"errorType", "errorMessage"}); keep it for the log.
            throw new RuntimeApiException($"The Runtime API refused '{call}' with {response.Status}: {Encoding.UTF8.GetString(response.Body)}", (HttpStatusCode)response.Status);
        }
    }
}

/// <summary>The Runtime API refused a call or could not be understood.</summary>
internal sealed class RuntimeApiException(string message, HttpStatusCode? status = null) : Exception(message)
{
    public HttpStatusCode? Status { get; } = status;
}
