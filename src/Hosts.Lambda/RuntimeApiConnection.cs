using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>A response of the Runtime API: status, headers (names as sent) and the whole body.</summary>
internal sealed record RuntimeApiResponse(int Status, List<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string? Header(string name) =>
        Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}

/// <summary>
/// One HTTP/1.1 connection to the Runtime API (loopback, plain text): writes a request in one send (Nagle off) and
/// reads a response with a Content-Length or chunked body. Only what the Runtime API speaks.
/// </summary>
internal sealed class RuntimeApiConnection : IDisposable
{
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start;
    private int _end;

    private RuntimeApiConnection(NetworkStream stream)
    {
        _stream = stream;
    }

    /// <summary>
    /// Connects synchronously: the Runtime API is on loopback, so this takes microseconds, where the first
    /// asynchronous connect first starts the socket engine's thread (about a millisecond before the first
    /// <c>/next</c>). Only reads are asynchronous; the engine then starts while the event is awaited.
    /// </summary>
    public static RuntimeApiConnection Open(string host, int port)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            socket.Connect(host, port);
            return new RuntimeApiConnection(new NetworkStream(socket, ownsSocket: true));
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends a request in one synchronous write: a loopback socket's buffer takes it at once (see <see cref="Open"/>).</summary>
    public void Write(byte[] head, byte[]? body)
    {
        if (body is null || body.Length == 0)
        {
            _stream.Write(head);
            return;
        }

        var request = new byte[head.Length + body.Length];
        head.CopyTo(request, 0);
        body.CopyTo(request, head.Length);
        _stream.Write(request);
    }

    public async Task<RuntimeApiResponse> ReadResponseAsync(CancellationToken cancellationToken)
    {
        var statusLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new ClosedException();
        var parts = statusLine.Split(' ', 3);
        if (parts.Length < 2 || !parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var status))
        {
            throw new RuntimeApiException($"The Runtime API answered with something other than HTTP/1.1: '{statusLine}'.");
        }

        var headers = new List<KeyValuePair<string, string>>();
        while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 } line)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers.Add(new(line[..colon].Trim(), line[(colon + 1)..].Trim()));
            }
        }

        var response = new RuntimeApiResponse(status, headers, []);
        if (response.Header("Transfer-Encoding") is { } encoding && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            return response with { Body = await ReadChunkedAsync(cancellationToken).ConfigureAwait(false) };
        }

        var length = int.TryParse(response.Header("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        return response with { Body = await ReadExactlyAsync(length, cancellationToken).ConfigureAwait(false) };
    }

    public void Dispose() => _stream.Dispose();

    private async Task<byte[]> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false) ?? throw new IOException("The Runtime API closed the connection mid-body.");
            var size = int.Parse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 })
                {
                    // Trailers of a response: none the runtime needs.
                }

                return body.ToArray();
            }

            body.Write(await ReadExactlyAsync(size, cancellationToken).ConfigureAwait(false));
            await ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<byte[]> ReadExactlyAsync(int count, CancellationToken cancellationToken)
    {
        var result = new byte[count];
        var done = 0;
        while (done < count)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new IOException("The Runtime API closed the connection mid-body.");
            }

            var n = Math.Min(count - done, _end - _start);
            Array.Copy(_buffer, _start, result, done, n);
            (_start, done) = (_start + n, done + n);
        }

        return result;
    }

    /// <summary>A line without its CRLF; null when the connection ends before any byte of it.</summary>
    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(cancellationToken).ConfigureAwait(false))
            {
                return line.Length == 0 ? null : throw new IOException("The Runtime API closed the connection mid-line.");
            }

            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            line.Append(Encoding.ASCII.GetString(_buffer, _start, stop - _start));
            if (newline >= 0)
            {
                _start = newline + 1;
                return line.ToString().TrimEnd('\r');
            }

            _start = _end;
        }
    }

    private async Task<bool> FillAsync(CancellationToken cancellationToken)
    {
        _start = 0;
        _end = await _stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
        return _end > 0;
    }

    /// <summary>The Runtime API closed the connection before answering: a kept-alive connection it had dropped.</summary>
    public sealed class ClosedException() : IOException("The Runtime API closed the connection before answering.");
}
