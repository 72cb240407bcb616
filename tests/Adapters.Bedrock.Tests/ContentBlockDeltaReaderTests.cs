using System.Text;
using System.Text.Json;
using ChatBedrock.Adapters.Bedrock.Wire;

namespace ChatBedrock.Adapters.Bedrock.Tests;

public sealed class ContentBlockDeltaReaderTests
{
    [Theory]
    [InlineData("""{"contentBlockIndex":0,"delta":{"text":"Hello"},"p":"abcdef"}""", "Hello")]
    [InlineData("""{"p":"x","extra":{"delta":{"text":"no"}},"list":[{"a":1}],"delta":{"other":[1,{"text":"no"}],"text":"改行\n😀"}}""", "改行\n😀")]
    [InlineData("""{"contentBlockIndex":1,"delta":{"toolUse":{"input":"{\"a\":1}"}}}""", null)]
    [InlineData("""{"delta":{"text":42}}""", null)]
    [InlineData("""{"delta":"text"}""", null)]
    [InlineData("""[]""", null)]
    public void ReadText_FindsDeltaTextAndSkipsEverythingElse(string json, string? expected) =>
        ContentBlockDeltaReader.ReadText(Encoding.UTF8.GetBytes(json)).Should().Be(expected);

    [Fact]
    public void ReadText_OfBrokenJson_Throws()
    {
        var act = () => ContentBlockDeltaReader.ReadText("""{"delta":{"text":"unterminated"""u8);

        act.Should().Throw<JsonException>();
    }
}
