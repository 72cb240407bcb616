using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using ChatBedrock.Http;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// A Function URL response streamed to the Runtime API: an HTTP/1.1 chunked POST written by hand, because
/// a failure after the first byte is reported in trailers, which HttpClient cannot send. The body is the
/// <c>application/vnd.awslambda.http-integration-response</c> format: a JSON prelude with the status and
/// headers, 8 NUL bytes, then the body; every <see cref="WriteAsync"/> is one chunk, flushed at once.
/// </summary>
internal sealed class StreamingResponse : IChatHttpResponse, IAsyncDisposable
{
    private const string ErrorBodyTrailer = "Lambda-Runtime-Function-Error-Body";

    private readonly string _host;
    private readonly int _port;
    private readonly string _path;
    private Socket? _socket;
    private NetworkStream? _stream;

    public StreamingResponse(string host, int port, string path)
    {
        _host = host;
        _port = port;
        _path = path;
    }

    /// <summary>The status sent in the prelude; null until the response started.</summary>
    public int? StatusCode { get; private set; }

    public async ValueTask StartAsync(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        if (StatusCode is not null)
        {
            throw new InvalidOperationException("The response has already started.");
        }

        _socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await _socket.ConnectAsync(_host, _port, cancellationToken).ConfigureAwait(false);
        _stream = new NetworkStream(_socket, ownsSocket: true);
        StatusCode = statusCode;

        var head = $"POST {_path} HTTP/1.1\r\n"
            + $"Host: {_host}:{_port.ToString(CultureInfo.InvariantCulture)}\r\n"
            + "Content-Type: application/vnd.awslambda.http-integration-response\r\n"
            + "Lambda-Runtime-Function-Response-Mode: streaming\r\n"
            + "Transfer-Encoding: chunked\r\n"
            + $"Trailer: {RuntimeApiClient.ErrorTypeHeader}, {ErrorBodyTrailer}\r\n"
            + "\r\n";
        var prelude = JsonSerializer.SerializeToUtf8Bytes(
            new StreamingPrelude(statusCode, BufferedResponse.JoinHeaders(headers), []), LambdaJsonContext.Default.StreamingPrelude);
        var first = new byte[prelude.Length + 8];
        prelude.CopyTo(first, 0);
        await WriteRawAsync(Encoding.ASCII.GetBytes(head), cancellationToken).ConfigureAwait(false);
        await WriteChunkAsync(first, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        if (StatusCode is null)
        {
            throw new InvalidOperationException("The response has not started.");
        }

        // An empty chunk would end the body.
        return chunk.IsEmpty ? ValueTask.CompletedTask : WriteChunkAsync(chunk, cancellationToken);
    }

    /// <summary>
    /// Ends the body, with the error trailers when <paramref name="failure"/> is set, and waits for the Runtime
    /// API's answer. Then the connection is closed, as the Runtime API expects.
    /// </summary>
    public async Task CompleteAsync(RuntimeError? failure, CancellationToken cancellationToken)
    {
        var end = new StringBuilder("0\r\n");
        if (failure is not null)
        {
            var body = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(failure, LambdaJsonContext.Default.RuntimeError));
            end.Append(RuntimeApiClient.ErrorTypeHeader).Append(": ").Append(failure.ErrorType).Append("\r\n");
            end.Append(ErrorBodyTrailer).Append(": ").Append(body).Append("\r\n");
        }

        end.Append("\r\n");
        await WriteRawAsync(Encoding.ASCII.GetBytes(end.ToString()), cancellationToken).ConfigureAwait(false);
        var status = await ReadStatusAsync(cancellationToken).ConfigureAwait(false);
        if (status is < 200 or > 299)
        {
            throw new RuntimeApiException($"The Runtime API refused the streamed response with {status}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stream is not null)
        {
            await _stream.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _socket?.Dispose();
        }
    }

    private async ValueTask WriteChunkAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        // One write per chunk (size line, data, CRLF): with Nagle off, each chunk leaves at once.
        var size = Encoding.ASCII.GetBytes(data.Length.ToString("x", CultureInfo.InvariantCulture) + "\r\n");
        var frame = ArrayPool<byte>.Shared.Rent(size.Length + data.Length + 2);
        try
        {
            size.CopyTo(frame, 0);
            data.Span.CopyTo(frame.AsSpan(size.Length));
            frame[size.Length + data.Length] = (byte)'\r';
            frame[size.Length + data.Length + 1] = (byte)'\n';
            await WriteRawAsync(frame.AsMemory(0, size.Length + data.Length + 2), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    private ValueTask WriteRawAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) =>
        _stream!.WriteAsync(bytes, cancellationToken);

    private async Task<int> ReadStatusAsync(CancellationToken cancellationToken)
    {
        // Only the status line matters ("HTTP/1.1 202 Accepted"); the rest is dropped with the connection.
        var buffer = new byte[512];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream!.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                break;
            }

            read += n;
            if (Array.IndexOf(buffer, (byte)'\n', 0, read) >= 0)
            {
                break;
            }
        }

        var line = Encoding.ASCII.GetString(buffer, 0, read).Split('\n')[0];
        var parts = line.Split(' ');
        return parts.Length >= 2 && parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status)
            ? status
            : throw new RuntimeApiException("The Runtime API answered the streamed response with something other than HTTP.");
    }
}
