namespace ChatBedrock.Domain.Tests;

public sealed class UserInputTests
{
    [Theory]
    [InlineData("hi")]
    [InlineData("おはようございます。今日の新潟の天気はどうですか？")]
    [InlineData(" leading and trailing space kept ")]
    [InlineData("multi\nline")]
    [InlineData("real replacement char \uFFFD is fine")]
    public void Validate_ReturnsValidTextUnchanged(string text) => UserInput.Validate(text).Should().Be(text);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("\n\t ")]
    [InlineData("\u3000")]
    public void Validate_WithoutText_ThrowsInputMissing(string? text)
    {
        var act = () => UserInput.Validate(text);

        act.Should().Throw<ChatException>().Where(e => e.Code == ChatErrorCode.InputMissing);
    }

    [Fact]
    public void Validate_AtDefaultLimit_Accepts() => UserInput.Validate(new string('あ', 16_000)).Should().HaveLength(16_000);

    [Fact]
    public void Validate_OneOverDefaultLimit_ThrowsInputTooLong()
    {
        var act = () => UserInput.Validate(new string('a', 16_001));

        act.Should().Throw<ChatException>().Where(e => e.Code == ChatErrorCode.InputTooLong).WithMessage("*16000*");
    }

    [Fact]
    public void Validate_CountsEmojiAsOneCharacter()
    {
        var tenEmoji = string.Concat(Enumerable.Repeat("😀", 10));

        UserInput.Validate(tenEmoji, maxLength: 10).Should().Be(tenEmoji);
        var act = () => UserInput.Validate(tenEmoji + "😀", maxLength: 10);
        act.Should().Throw<ChatException>().Where(e => e.Code == ChatErrorCode.InputTooLong);
    }

    [Fact]
    public void Validate_WithConfiguredLimit_UsesIt()
    {
        UserInput.Validate("abc", maxLength: 3).Should().Be("abc");
        var act = () => UserInput.Validate("abcd", maxLength: 3);
        act.Should().Throw<ChatException>().Where(e => e.Code == ChatErrorCode.InputTooLong);
    }

    [Theory]
    [InlineData("lone high {D800} surrogate")]
    [InlineData("lone low {DC00}")]
    [InlineData("{D83D}")]
    [InlineData("reversed {DE00}{D83D} pair")]
    public void Validate_WithLoneSurrogate_ThrowsInputInvalid(string pattern)
    {
        var act = () => UserInput.Validate(Utf16Text.From(pattern));

        act.Should().Throw<ChatException>().Where(e => e.Code == ChatErrorCode.InputInvalid);
    }
}
