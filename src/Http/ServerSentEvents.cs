using System.Text;

namespace ChatBedrock.Http;

/// <summary>Frames one Server-Sent Event: <c>event: NAME\ndata: JSON\n\n</c>; the JSON is one line.</summary>
internal static class ServerSentEvents
{
    /// <summary>A comment line, which clients ignore: it keeps a silent stream from looking idle to proxies.</summary>
    public static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    public static byte[] Event(string name, ReadOnlySpan<byte> json) =>
        [.. "event: "u8, .. Encoding.ASCII.GetBytes(name), .. "\ndata: "u8, .. json, .. "\n\n"u8];
}
