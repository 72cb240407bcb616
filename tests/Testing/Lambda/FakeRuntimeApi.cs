using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;

namespace ChatBedrock.Testing.Lambda;

/// <summary>
/// An in-process Lambda Runtime API on loopback, speaking raw HTTP/1.1 so tests see exactly what the host
/// sends: headers, each chunk of a streamed body as it arrives, and trailers.
/// </summary>
public sealed class FakeRuntimeApi : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<Invocation> _events = Channel.CreateUnbounded<Invocation>();
    private readonly ConcurrentDictionary<string, Invocation> _invocations = new();
    private readonly TaskCompletionSource<RecordedCall> _initError = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstNext = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentBag<TcpClient> _clients = [];
    private readonly Task _accepting;
    private long _firstNextTimestamp;

    public FakeRuntimeApi()
    {
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The value for AWS_LAMBDA_RUNTIME_API.</summary>
    public string Address => $"127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>Completes when the host posts to /runtime/init/error.</summary>
    public Task<RecordedCall> InitError => _initError.Task;

    /// <summary>Completes when the host first asks for an event: its initialization is over.</summary>
    public Task FirstNext => _firstNext.Task;

    /// <summary>When the first <c>/next</c> arrived (<see cref="Stopwatch.GetTimestamp"/>), taken before anything awaits it; 0 until then.</summary>
    public long FirstNextTimestamp => Interlocked.Read(ref _firstNextTimestamp);

    /// <summary>Queues an event for /next and returns it, to await what the host answers.</summary>
    public Invocation Invoke(string payload, DateTimeOffset? deadline = null, string? traceId = null, int answerStatus = 202) =>
        Invoke(Encoding.UTF8.GetBytes(payload), deadline, traceId, answerStatus);

    /// <summary>Queues an event given as raw bytes (which need not be UTF-8).</summary>
    public Invocation Invoke(byte[] payload, DateTimeOffset? deadline = null, string? traceId = null, int answerStatus = 202)
    {
        var invocation = new Invocation(Guid.NewGuid().ToString(), payload, deadline, traceId, answerStatus);
        _invocations[invocation.RequestId] = invocation;
        _events.Writer.TryWrite(invocation);
        return invocation;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        try
        {
            await _accepting;
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            _clients.Add(client);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var reader = new HttpReader(stream);
            while (await reader.ReadLineAsync(_stop.Token) is { } requestLine)
            {
                var parts = requestLine.Split(' ');
                var (method, path) = (parts[0], parts[1]);
                var headers = await reader.ReadHeadersAsync(_stop.Token);
                var call = new RecordedCall(method, path, headers);
                var invocation = path.Split('/') is [_, "2018-06-01", "runtime", "invocation", var id, _] ? _invocations.GetValueOrDefault(id) : null;
                if (headers.TryGetValue("transfer-encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    await reader.ReadChunkedAsync(call, invocation, _stop.Token);
                }
                else if (headers.TryGetValue("content-length", out var length))
                {
                    call.Body = await reader.ReadExactlyAsync(int.Parse(length, CultureInfo.InvariantCulture), _stop.Token);
                }

                if (method == "GET" && path == "/2018-06-01/runtime/invocation/next")
                {
                    Interlocked.CompareExchange(ref _firstNextTimestamp, Stopwatch.GetTimestamp(), 0);
                    _firstNext.TrySetResult();
                    var next = await _events.Reader.ReadAsync(_stop.Token);
                    var extra = new StringBuilder()
                        .Append("Lambda-Runtime-Aws-Request-Id: ").Append(next.RequestId).Append("\r\n")
                        .Append("Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:ap-northeast-1:123456789012:function:chatBedrock\r\n");
                    if (next.Deadline is { } deadline)
                    {
                        extra.Append("Lambda-Runtime-Deadline-Ms: ").Append(deadline.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture)).Append("\r\n");
                    }

                    if (next.TraceId is { } trace)
                    {
                        extra.Append("Lambda-Runtime-Trace-Id: ").Append(trace).Append("\r\n");
                    }

                    await WriteAsync(stream, 200, extra.ToString(), next.Payload);
                    continue;
                }

                if (method == "POST" && path == "/2018-06-01/runtime/init/error")
                {
                    _initError.TrySetResult(call);
                    await WriteAsync(stream, 202, "", """{"status":"OK"}"""u8.ToArray());
                    continue;
                }

                if (invocation is null)
                {
                    await WriteAsync(stream, 404, "", """{"errorType":"InvalidRequestID","errorMessage":"unknown"}"""u8.ToArray());
                    continue;
                }

                var status = path.EndsWith("/response", StringComparison.Ordinal) ? invocation.AnswerStatus : 202;
                invocation.Record(call);
                await WriteAsync(stream, status, "", status == 202 ? """{"status":"OK"}"""u8.ToArray() : """{"errorType":"RequestEntityTooLarge","errorMessage":"too large"}"""u8.ToArray());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    private static async Task WriteAsync(NetworkStream stream, int status, string extraHeaders, byte[] body)
    {
        var reason = status switch { 200 => "OK", 202 => "Accepted", 404 => "Not Found", _ => "Error" };
        var head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n{extraHeaders}Content-Length: {body.Length}\r\n\r\n");

        // One write: a second small one would wait for the host's delayed ACK (Nagle), adding ~40 ms per answer.
        await stream.WriteAsync((byte[])[.. head, .. body]);
    }

    /// <summary>One event and everything the host sent back for it.</summary>
    public sealed class Invocation
    {
        private readonly Channel<RecordedCall> _calls = Channel.CreateUnbounded<RecordedCall>();

        internal Invocation(string requestId, byte[] payload, DateTimeOffset? deadline, string? traceId, int answerStatus)
        {
            (RequestId, Payload, Deadline, TraceId, AnswerStatus) = (requestId, payload, deadline, traceId, answerStatus);
        }

        public string RequestId { get; }

        public byte[] Payload { get; }

        public DateTimeOffset? Deadline { get; }

        public string? TraceId { get; }

        public int AnswerStatus { get; }

        /// <summary>Chunks of a streamed response, as each arrives.</summary>
        public Channel<byte[]> Chunks { get; } = Channel.CreateUnbounded<byte[]>();

        /// <summary>The host's next call about this invocation (/response or /error), once complete.</summary>
        public async Task<RecordedCall> AnswerAsync(TimeSpan? timeout = null)
        {
            using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
            return await _calls.Reader.ReadAsync(limit.Token);
        }

        internal void Record(RecordedCall call)
        {
            call.Timestamp = Stopwatch.GetTimestamp();
            _calls.Writer.TryWrite(call);
        }
    }

    /// <summary>A request the host made.</summary>
    public sealed class RecordedCall(string method, string path, Dictionary<string, string> headers)
    {
        public string Method { get; } = method;

        public string Path { get; } = path;

        public Dictionary<string, string> Headers { get; } = headers;

        public byte[] Body { get; set; } = [];

        /// <summary>When the call was complete (<see cref="Stopwatch.GetTimestamp"/>), for timing answers without scheduling delays.</summary>
        public long Timestamp { get; internal set; }

        public List<byte[]> Chunks { get; } = [];

        public Dictionary<string, string> Trailers { get; } = new(StringComparer.OrdinalIgnoreCase);

        public string Text => Encoding.UTF8.GetString(Body);

        public bool IsError => Path.EndsWith("/error", StringComparison.Ordinal);
    }

    private sealed class HttpReader(NetworkStream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new List<byte>();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return line.Count == 0 ? null : throw new IOException("Connection closed mid-line.");
                }

                var b = _buffer[_start++];
                if (b == '\n')
                {
                    return Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
                }

                line.Add(b);
            }
        }

        public async Task<Dictionary<string, string>> ReadHeadersAsync(CancellationToken cancellationToken)
        {
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            while (await ReadLineAsync(cancellationToken) is { Length: > 0 } line)
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                var name = line[..colon].Trim();
                var value = line[(colon + 1)..].Trim();
                headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
            }

            return headers;
        }

        public async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
        {
            var result = new byte[count];
            var done = 0;
            while (done < count)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    throw new IOException("Connection closed mid-body.");
                }

                var n = Math.Min(count - done, _end - _start);
                Array.Copy(_buffer, _start, result, done, n);
                (_start, done) = (_start + n, done + n);
            }

            return result;
        }

        public async Task ReadChunkedAsync(RecordedCall call, Invocation? invocation, CancellationToken cancellationToken)
        {
            var body = new MemoryStream();
            while (true)
            {
                var sizeLine = await ReadLineAsync(cancellationToken) ?? throw new IOException("Connection closed before the last chunk.");
                var size = int.Parse(sizeLine.Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                if (size == 0)
                {
                    foreach (var (name, value) in await ReadHeadersAsync(cancellationToken))
                    {
                        call.Trailers[name] = value;
                    }

                    break;
                }

                var chunk = await ReadExactlyAsync(size, cancellationToken);
                if (await ReadLineAsync(cancellationToken) is not "")
                {
                    throw new IOException("A chunk did not end with CRLF.");
                }

                call.Chunks.Add(chunk);
                body.Write(chunk);
                invocation?.Chunks.Writer.TryWrite(chunk);
            }

            invocation?.Chunks.Writer.TryComplete();
            call.Body = body.ToArray();
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            _start = 0;
            _end = await stream.ReadAsync(_buffer, cancellationToken);
            return _end > 0;
        }
    }
}
