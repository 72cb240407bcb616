using System.Buffers;
using System.Text;
using ChatBedrock.Http;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>Collects a whole response, for a buffered Function URL answer or a direct invocation's result.</summary>
internal sealed class BufferedResponse : IChatHttpResponse
{
    private readonly ArrayBufferWriter<byte> _body = new();
    private IReadOnlyList<KeyValuePair<string, string>> _headers = [];

    public int StatusCode { get; private set; }

    public byte[] Body => _body.WrittenSpan.ToArray();

    public ValueTask StartAsync(int statusCode, IReadOnlyList<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        StatusCode = statusCode;
        _headers = headers;
        return ValueTask.CompletedTask;
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        _body.Write(chunk.Span);
        return ValueTask.CompletedTask;
    }

    /// <summary>The payload-2.0 response: text bodies as they are, anything else base64-encoded.</summary>
    public FunctionUrlResponse ToFunctionUrlResponse()
    {
        var headers = JoinHeaders(_headers);
        var body = _body.WrittenSpan;
        return IsText(headers.GetValueOrDefault("content-type"))
            ? new FunctionUrlResponse(StatusCode, headers, Encoding.UTF8.GetString(body), false)
            : new FunctionUrlResponse(StatusCode, headers, Convert.ToBase64String(body), true);
    }

    /// <summary>Headers as the payload formats want them: one value per name, repeated values comma-joined.</summary>
    public static Dictionary<string, string> JoinHeaders(IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        var joined = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            joined[name] = joined.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }

        return joined;
    }

    private static bool IsText(string? contentType) =>
        contentType is null
        || contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        || contentType.StartsWith("image/svg+xml", StringComparison.OrdinalIgnoreCase);
}
