// The .NET floor of a Lambda custom runtime: what Floor/runtime_floor.c does, as a Native AOT program with
// bootstrap's settings — one kept-alive socket, /next, the same fixed answer, repeat; blocking I/O, no
// configuration, no container, no logging. Between it and the C floor lies the .NET runtime's own start.
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

var api = Environment.GetEnvironmentVariable("AWS_LAMBDA_RUNTIME_API") ?? throw new InvalidOperationException("AWS_LAMBDA_RUNTIME_API is not set.");
var colon = api.LastIndexOf(':');
using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
socket.Connect(IPAddress.Parse(api[..colon]), int.Parse(api[(colon + 1)..], CultureInfo.InvariantCulture));
var answer = """{"statusCode":200,"headers":{"content-type":"application/json"},"body":"{\"output_text\":\"floor\"}","isBase64Encoded":false}"""u8.ToArray();
var next = Encoding.ASCII.GetBytes($"GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: {api}\r\n\r\n");
var buffer = new byte[1 << 20];
while (true)
{
    socket.Send(next);
    var headers = ReadResponse(socket, buffer);
    var requestId = Header(headers, "Lambda-Runtime-Aws-Request-Id");
    var head = Encoding.ASCII.GetBytes(
        $"POST /2018-06-01/runtime/invocation/{requestId}/response HTTP/1.1\r\nHost: {api}\r\nContent-Type: application/json\r\nContent-Length: {answer.Length}\r\n\r\n");
    socket.Send([.. head, .. answer]);
    ReadResponse(socket, buffer);
}

// Reads one response (headers and a Content-Length body) and returns its headers.
static string ReadResponse(Socket socket, byte[] buffer)
{
    var length = 0;
    int end;
    while ((end = buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8)) < 0)
    {
        var n = socket.Receive(buffer, length, buffer.Length - length, SocketFlags.None);
        length += n > 0 ? n : throw new IOException("The Runtime API closed the connection.");
    }

    var headers = Encoding.ASCII.GetString(buffer, 0, end);
    var total = end + 4 + int.Parse(Header(headers, "Content-Length"), CultureInfo.InvariantCulture);
    while (length < total)
    {
        var n = socket.Receive(buffer, length, buffer.Length - length, SocketFlags.None);
        length += n > 0 ? n : throw new IOException("The Runtime API closed the connection.");
    }

    return headers;
}

static string Header(string headers, string name) =>
    headers.Split("\r\n").First(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))[(name.Length + 1)..].Trim();
