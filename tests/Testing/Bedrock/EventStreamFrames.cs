using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace ChatBedrock.Testing.Bedrock;

/// <summary>
/// Encodes AWS event-stream messages as Bedrock sends them: prelude (total length, headers length, CRC32),
/// string headers (type 7), payload, message CRC32.
/// </summary>
public static class EventStreamFrames
{
    /// <summary>An event frame (<c>:message-type event</c>) with a JSON payload.</summary>
    public static byte[] Event(string eventType, string json) =>
        Encode([(":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")], Encoding.UTF8.GetBytes(json));

    /// <summary>An exception frame (<c>:message-type exception</c>) as Bedrock sends mid-stream errors.</summary>
    public static byte[] Exception(string exceptionType, string message) =>
        Encode([(":exception-type", exceptionType), (":content-type", "application/json"), (":message-type", "exception")],
            Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["message"] = message })));

    /// <summary>A message with string headers, plus optional raw header bytes of other value types.</summary>
    public static byte[] Encode(IReadOnlyList<(string Name, string Value)> headers, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> extraHeaderBytes = default)
    {
        using var headerBytes = new MemoryStream();
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            var valueBytes = Encoding.UTF8.GetBytes(value);
            headerBytes.WriteByte((byte)nameBytes.Length);
            headerBytes.Write(nameBytes);
            headerBytes.WriteByte(7);
            headerBytes.WriteByte((byte)(valueBytes.Length >> 8));
            headerBytes.WriteByte((byte)valueBytes.Length);
            headerBytes.Write(valueBytes);
        }

        headerBytes.Write(extraHeaderBytes);
        var headersLength = (int)headerBytes.Length;
        var total = 12 + headersLength + payload.Length + 4;
        var frame = new byte[total];
        BinaryPrimitives.WriteInt32BigEndian(frame, total);
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(4), headersLength);
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(8), Crc32.HashToUInt32(frame.AsSpan(0, 8)));
        headerBytes.GetBuffer().AsSpan(0, headersLength).CopyTo(frame.AsSpan(12));
        payload.CopyTo(frame.AsSpan(12 + headersLength));
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(total - 4), Crc32.HashToUInt32(frame.AsSpan(0, total - 4)));
        return frame;
    }

    /// <summary>Header bytes of every non-string value type (bool, byte, short, int, long, bytes, timestamp, uuid), which readers must skip.</summary>
    public static byte[] OtherTypedHeaders()
    {
        using var bytes = new MemoryStream();
        Write("t", 0, []);
        Write("f", 1, []);
        Write("b", 2, [7]);
        Write("s", 3, [0, 7]);
        Write("i", 4, [0, 0, 0, 7]);
        Write("l", 5, [0, 0, 0, 0, 0, 0, 0, 7]);
        Write("a", 6, [0, 3, 1, 2, 3]);
        Write("d", 8, [0, 0, 1, 140, 0, 0, 0, 0]);
        Write("u", 9, new byte[16]);
        return bytes.ToArray();

        void Write(string name, byte type, byte[] value)
        {
            bytes.WriteByte((byte)name.Length);
            bytes.Write(Encoding.ASCII.GetBytes(name));
            bytes.WriteByte(type);
            bytes.Write(value);
        }
    }
}
