namespace ChatBedrock.Domain.Tests;

public sealed class TokenEstimatorTests
{
    [Theory]
    [InlineData("", 0)]
    [InlineData("a", 1)]
    [InlineData("abcd", 1)]
    [InlineData("abcde", 2)]
    [InlineData("Hello, world!", 4)]
    public void Estimate_Ascii_IsOneTokenPerFourCharactersRoundedUp(string text, int expected) =>
        TokenEstimator.Estimate(text).Should().Be(expected);

    [Fact]
    public void Estimate_Japanese_CountsEveryCharacter()
    {
        // Claude's tokenizer spends roughly one token per kana/kanji; never estimate fewer.
        const string text = "おはようございます。今日の新潟の天気はどうですか？";

        TokenEstimator.Estimate(text).Should().Be(text.Length);
    }

    [Fact]
    public void Estimate_Emoji_CountsOncePerScalar() => TokenEstimator.Estimate("😀😀").Should().Be(2);

    [Fact]
    public void Estimate_Message_AddsOverhead() =>
        TokenEstimator.Estimate(ChatMessage.User("abcd")).Should().Be(1 + TokenEstimator.PerMessageOverhead);
}
