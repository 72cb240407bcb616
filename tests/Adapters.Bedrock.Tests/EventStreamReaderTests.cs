using System.Text;
using ChatBedrock.Adapters.Bedrock.EventStream;
using ChatBedrock.Testing.Bedrock;

namespace ChatBedrock.Adapters.Bedrock.Tests;

public sealed class EventStreamReaderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_FramesDeliveredOneByteAtATime_AreReassembled()
    {
        var bytes = Concat(EventStreamFrames.Event("messageStart", """{"role":"assistant"}"""), EventStreamFrames.Event("contentBlockDelta", """{"delta":{"text":"日本"}}"""));
        using var reader = new EventStreamReader(new TrickleStream(bytes), initialBufferSize: 16);

        var first = await reader.ReadAsync(Ct);
        first!.Value.Headers.EventType.Should().Be("messageStart");
        var second = await reader.ReadAsync(Ct);

        second!.Value.Headers.MessageType.Should().Be("event");
        second.Value.Headers.EventType.Should().Be("contentBlockDelta");
        second.Value.Headers.ContentType.Should().Be("application/json");
        Encoding.UTF8.GetString(second.Value.Payload.Span).Should().Be("""{"delta":{"text":"日本"}}""");
        (await reader.ReadAsync(Ct)).Should().BeNull();
    }

    [Fact]
    public async Task Read_APayloadLargerThanTheBuffer_GrowsIt()
    {
        var text = new string('x', 200_000);
        using var reader = new EventStreamReader(new MemoryStream(EventStreamFrames.Event("contentBlockDelta", text)));

        var message = await reader.ReadAsync(Ct);

        message!.Value.Payload.Length.Should().Be(text.Length);
    }

    [Fact]
    public async Task Read_HeadersOfEveryOtherType_AreSkipped()
    {
        var frame = EventStreamFrames.Encode([(":event-type", "metadata"), (":message-type", "event")], "{}"u8, EventStreamFrames.OtherTypedHeaders());
        using var reader = new EventStreamReader(new MemoryStream(frame));

        var message = await reader.ReadAsync(Ct);

        message!.Value.Headers.EventType.Should().Be("metadata");
    }

    [Fact]
    public async Task Read_ExceptionFrame_ExposesItsType()
    {
        using var reader = new EventStreamReader(new MemoryStream(EventStreamFrames.Exception("throttlingException", "slow down")));

        var message = await reader.ReadAsync(Ct);

        message!.Value.Headers.MessageType.Should().Be("exception");
        message.Value.Headers.ExceptionType.Should().Be("throttlingException");
    }

    [Theory]
    [InlineData(9, "prelude CRC")]
    [InlineData(20, "message CRC")]
    public async Task Read_AFlippedBit_IsACrcError(int index, string expected)
    {
        var frame = EventStreamFrames.Event("contentBlockDelta", """{"delta":{"text":"hi"}}""");
        frame[index] ^= 0x01;
        using var reader = new EventStreamReader(new MemoryStream(frame));

        var act = async () => await reader.ReadAsync(Ct);

        await act.Should().ThrowAsync<InvalidDataException>().WithMessage($"*{expected}*");
    }

    [Theory]
    [InlineData(5)]
    [InlineData(30)]
    public async Task Read_AStreamEndingInsideAFrame_IsAnError(int length)
    {
        var frame = EventStreamFrames.Event("contentBlockDelta", """{"delta":{"text":"hi"}}""");
        using var reader = new EventStreamReader(new MemoryStream(frame[..length]));

        var act = async () => await reader.ReadAsync(Ct);

        await act.Should().ThrowAsync<InvalidDataException>().WithMessage("*ended in the middle*");
    }

    private static byte[] Concat(params byte[][] frames) => frames.SelectMany(f => f).ToArray();

    /// <summary>Returns one byte per read, the worst split a network can produce.</summary>
    private sealed class TrickleStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(1, buffer.Length)], cancellationToken);
    }
}
