using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace ChatBedrock.Adapters.Bedrock.EventStream;

/// <summary>
/// Reads messages of the AWS event-stream framing (application/vnd.amazon.eventstream) from a stream:
/// a 12-byte prelude (total length, headers length, prelude CRC32), typed headers, the payload and a
/// CRC32 of the whole message. Frames split across reads are reassembled; a CRC mismatch or a truncated
/// frame raises <see cref="InvalidDataException"/> rather than yielding corrupt data.
/// </summary>
internal sealed class EventStreamReader : IDisposable
{
    private const int PreludeLength = 12;
    private const int CrcLength = 4;
    private const int MinimumMessageLength = PreludeLength + CrcLength;

    // The limit of the AWS event-stream libraries; larger frames mean a broken stream, not a big answer.
    private const int MaximumMessageLength = 16 * 1024 * 1024;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;

    public EventStreamReader(Stream stream, int initialBufferSize = 8 * 1024)
    {
        _stream = stream;
        _buffer = ArrayPool<byte>.Shared.Rent(initialBufferSize);
    }

    /// <summary>
    /// Reads the next message, or returns null at the end of the stream between messages. The message's
    /// payload is only valid until the next call.
    /// </summary>
    public async ValueTask<EventStreamMessage?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(PreludeLength, cancellationToken).ConfigureAwait(false))
        {
            return _end == _start ? null : throw new InvalidDataException("The event stream ended in the middle of a message prelude.");
        }

        var prelude = _buffer.AsSpan(_start, PreludeLength);
        var totalLength = BinaryPrimitives.ReadUInt32BigEndian(prelude);
        var headersLength = BinaryPrimitives.ReadUInt32BigEndian(prelude[4..]);
        var preludeCrc = BinaryPrimitives.ReadUInt32BigEndian(prelude[8..]);
        if (Crc32.HashToUInt32(prelude[..8]) != preludeCrc)
        {
            throw new InvalidDataException("An event-stream message has a bad prelude CRC.");
        }

        if (totalLength is < MinimumMessageLength or > MaximumMessageLength || headersLength > totalLength - MinimumMessageLength)
        {
            throw new InvalidDataException($"An event-stream message has impossible lengths (total {totalLength}, headers {headersLength}).");
        }

        var length = (int)totalLength;
        if (!await FillAsync(length, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidDataException("The event stream ended in the middle of a message.");
        }

        var message = _buffer.AsMemory(_start, length);
        var messageCrc = BinaryPrimitives.ReadUInt32BigEndian(message.Span[^CrcLength..]);
        if (Crc32.HashToUInt32(message.Span[..^CrcLength]) != messageCrc)
        {
            throw new InvalidDataException("An event-stream message has a bad message CRC.");
        }

        _start += length;
        var headersEnd = PreludeLength + (int)headersLength;
        var headers = ParseHeaders(message.Span[PreludeLength..headersEnd]);
        return new EventStreamMessage(headers, message[headersEnd..^CrcLength]);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        while (_end - _start < count)
        {
            MakeRoom(count);
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    private void MakeRoom(int count)
    {
        if (_buffer.Length - _start >= count)
        {
            return;
        }

        var buffered = _end - _start;
        if (_buffer.Length >= count)
        {
            _buffer.AsSpan(_start, buffered).CopyTo(_buffer);
        }
        else
        {
            var larger = ArrayPool<byte>.Shared.Rent(count);
            _buffer.AsSpan(_start, buffered).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        _start = 0;
        _end = buffered;
    }

    private static EventStreamHeaders ParseHeaders(ReadOnlySpan<byte> span)
    {
        var headers = default(EventStreamHeaders);
        while (!span.IsEmpty)
        {
            var nameLength = span[0];
            if (span.Length < 2 + nameLength)
            {
                throw new InvalidDataException("An event-stream header is truncated.");
            }

            var name = span.Slice(1, nameLength);
            var type = (EventStreamHeaderType)span[1 + nameLength];
            span = span[(2 + nameLength)..];
            var valueLength = type switch
            {
                EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse => 0,
                EventStreamHeaderType.Byte => 1,
                EventStreamHeaderType.Int16 => 2,
                EventStreamHeaderType.Int32 => 4,
                EventStreamHeaderType.Int64 or EventStreamHeaderType.Timestamp => 8,
                EventStreamHeaderType.Uuid => 16,
                EventStreamHeaderType.ByteArray or EventStreamHeaderType.String when span.Length >= 2 =>
                    2 + BinaryPrimitives.ReadUInt16BigEndian(span),
                EventStreamHeaderType.ByteArray or EventStreamHeaderType.String => int.MaxValue,
                _ => throw new InvalidDataException($"An event-stream header has the unknown value type {(byte)type}."),
            };
            if (valueLength > span.Length)
            {
                throw new InvalidDataException("An event-stream header value is truncated.");
            }

            if (type == EventStreamHeaderType.String)
            {
                headers.Set(name, span[2..valueLength]);
            }

            span = span[valueLength..];
        }

        return headers;
    }
}

/// <summary>One decoded event-stream message; <see cref="Payload"/> is only valid until the next read.</summary>
internal readonly record struct EventStreamMessage(EventStreamHeaders Headers, ReadOnlyMemory<byte> Payload);

/// <summary>The string headers Bedrock uses; others are skipped. Well-known values are shared, not allocated per frame.</summary>
internal struct EventStreamHeaders
{
    private static readonly string[] KnownValues =
    [
        "event", "exception", "error", "application/json",
        "messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata",
    ];

    public string? MessageType { get; private set; }

    public string? EventType { get; private set; }

    public string? ExceptionType { get; private set; }

    public string? ContentType { get; private set; }

    public string? ErrorCode { get; private set; }

    public string? ErrorMessage { get; private set; }

    internal void Set(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (name.SequenceEqual(":message-type"u8))
        {
            MessageType = Decode(value);
        }
        else if (name.SequenceEqual(":event-type"u8))
        {
            EventType = Decode(value);
        }
        else if (name.SequenceEqual(":exception-type"u8))
        {
            ExceptionType = Decode(value);
        }
        else if (name.SequenceEqual(":content-type"u8))
        {
            ContentType = Decode(value);
        }
        else if (name.SequenceEqual(":error-code"u8))
        {
            ErrorCode = Decode(value);
        }
        else if (name.SequenceEqual(":error-message"u8))
        {
            ErrorMessage = Decode(value);
        }
    }

    private static string Decode(ReadOnlySpan<byte> utf8)
    {
        foreach (var known in KnownValues)
        {
            if (known.Length == utf8.Length && Ascii.Equals(utf8, known))
            {
                return known;
            }
        }

        return Encoding.UTF8.GetString(utf8);
    }
}

internal enum EventStreamHeaderType : byte
{
    BoolTrue = 0,
    BoolFalse = 1,
    Byte = 2,
    Int16 = 3,
    Int32 = 4,
    Int64 = 5,
    ByteArray = 6,
    String = 7,
    Timestamp = 8,
    Uuid = 9,
}
