namespace ChatBedrock.Domain.Tests;

public sealed class SessionIdTests
{
    [Fact]
    public void New_MintsAUuidV4String()
    {
        var id = SessionId.New();

        Guid.TryParseExact(id.Value, "D", out var guid).Should().BeTrue();
        guid.Version.Should().Be(4);
        id.Value.Should().Be(id.Value.ToLowerInvariant());
    }

    [Fact]
    public void New_TwiceGivesDifferentIds() => SessionId.New().Should().NotBe(SessionId.New());

    [Theory]
    [InlineData("a")]
    [InlineData("3f2b0c1e-8a51-4a35-9a7e-2d3c1b0f9e77")]
    [InlineData("セッション１")]
    [InlineData("user@example.com:2024-05-18")]
    [InlineData("with space and ?query=1&x=%2F")]
    [InlineData("emoji🙂id")]
    [InlineData("...")]
    [InlineData("a..b")]
    public void Parse_AcceptsIdsOtherToolsWrite_Unchanged(string value)
    {
        SessionId.Parse(value).Value.Should().Be(value);
    }

    [Fact]
    public void Parse_AcceptsExactlyMaxLength()
    {
        var value = new string('x', SessionId.MaxLength);

        SessionId.Parse(value).Value.Should().Be(value);
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("   ", "blank")]
    [InlineData("\u3000", "blank")]
    [InlineData("a/b", "'/'")]
    [InlineData("../etc/passwd", "'/'")]
    [InlineData(".", "dot segment")]
    [InlineData("..", "dot segment")]
    [InlineData("line\nbreak", "control")]
    [InlineData("cr\r", "control")]
    [InlineData("tab\t", "control")]
    [InlineData("nul\0", "control")]
    [InlineData("del\u007f", "control")]
    [InlineData("nel\u0085", "control")]
    [InlineData("ls\u2028", "line break")]
    [InlineData("ps\u2029", "line break")]
    [InlineData("lone{D800}", "surrogate")]
    [InlineData("{DC00}lone", "surrogate")]
    public void Parse_RejectsIdsOutsideTheRule_WithSessionIdInvalid(string? value, string reason)
    {
        var act = () => SessionId.Parse(value is null ? null : Utf16Text.From(value));

        act.Should().Throw<ChatException>()
            .Where(e => e.Code == ChatErrorCode.SessionIdInvalid)
            .WithMessage($"*{reason}*");
    }

    [Fact]
    public void Parse_RejectsOneOverMaxLength()
    {
        var act = () => SessionId.Parse(new string('x', SessionId.MaxLength + 1));

        act.Should().Throw<ChatException>().Where(e => e.Code == ChatErrorCode.SessionIdInvalid).WithMessage("*128*");
    }

    [Fact]
    public void TryParse_ReportsValidityWithoutThrowing()
    {
        SessionId.TryParse("ok", out var ok).Should().BeTrue();
        ok.Value.Should().Be("ok");
        SessionId.TryParse("a/b", out _).Should().BeFalse();
        SessionId.TryParse(null, out _).Should().BeFalse();
    }

    [Fact]
    public void Value_OfDefault_Throws()
    {
        var act = () => default(SessionId).Value;

        act.Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void LogHandle_IsEightHexDigits_StableForAnId_DifferentAcrossIds_AndNotTheId()
    {
        var id = SessionId.Parse("0123456789abcdef");
        var other = SessionId.Parse("0123456789abcdeg");

        id.LogHandle.Should().MatchRegex("^[0-9a-f]{8}$");
        id.LogHandle.Should().Be(SessionId.Parse("0123456789abcdef").LogHandle);
        id.LogHandle.Should().NotBe(other.LogHandle);
        "0123456789abcdef".Should().NotContain(id.LogHandle, "a handle is a keyed hash, not a piece of the id");
    }
}
