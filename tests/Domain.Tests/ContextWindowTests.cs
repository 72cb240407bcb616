namespace ChatBedrock.Domain.Tests;

public sealed class ContextWindowTests
{
    private static readonly ChatMessage Input = ChatMessage.User("next");

    private static List<ChatMessage> Pairs(int count) =>
        [.. Enumerable.Range(0, count).SelectMany(i => new[] { ChatMessage.User($"q{i}"), ChatMessage.Assistant($"a{i}") })];

    private static IEnumerable<string> Contents(IEnumerable<ChatMessage> messages) => messages.Select(m => m.Content);

    [Fact]
    public void Select_WhenEverythingFits_KeepsAllInOrder()
    {
        var window = new ContextWindow(maxMessages: 100, maxTokens: 10_000);

        Contents(window.Select(Pairs(3), Input)).Should().Equal("q0", "a0", "q1", "a1", "q2", "a2");
    }

    [Theory]
    [InlineData(4, new[] { "q2", "a2", "q3", "a3" })]
    [InlineData(5, new[] { "q2", "a2", "q3", "a3" })]
    [InlineData(2, new[] { "q3", "a3" })]
    [InlineData(1, new string[0])]
    [InlineData(0, new string[0])]
    public void Select_AtMessageLimit_KeepsNewestWholePairs(int maxMessages, string[] expected)
    {
        var window = new ContextWindow(maxMessages, maxTokens: 10_000);

        Contents(window.Select(Pairs(4), Input)).Should().Equal(expected);
    }

    [Fact]
    public void Select_AtTokenBudget_KeepsNewestWholePairsThatFit()
    {
        // Each history message is 1 + 4 tokens, the input 1 + 4: budget 25 leaves room for exactly two pairs.
        var window = new ContextWindow(maxMessages: 100, maxTokens: 25);

        Contents(window.Select(Pairs(4), Input)).Should().Equal("q2", "a2", "q3", "a3");
        Contents(new ContextWindow(100, 24).Select(Pairs(4), Input)).Should().Equal("q3", "a3");
    }

    [Fact]
    public void Select_CountsJapaneseConservatively()
    {
        var japanese = new List<ChatMessage> { ChatMessage.User(new string('あ', 100)), ChatMessage.Assistant(new string('い', 100)) };

        // 100 kana are ~100 real tokens: a 150-token budget must not admit 208 estimated tokens.
        new ContextWindow(100, 150).Select(japanese, Input).Should().BeEmpty();
        new ContextWindow(100, 213).Select(japanese, Input).Should().HaveCount(2);
    }

    [Fact]
    public void Select_SubtractsTheSystemPromptFromTheBudget()
    {
        var window = new ContextWindow(maxMessages: 100, maxTokens: 25);

        Contents(window.Select(Pairs(4), Input, systemPrompt: "abcd")).Should().Equal("q3", "a3");
    }

    [Fact]
    public void Select_AlwaysKeepsStoredSystemMessagesFirst()
    {
        var history = new List<ChatMessage> { ChatMessage.System("be kind") };
        history.AddRange(Pairs(5));
        var window = new ContextWindow(maxMessages: 2, maxTokens: 10_000);

        Contents(window.Select(history, Input)).Should().Equal("be kind", "q4", "a4");
        Contents(new ContextWindow(0, 100).Select(history, Input)).Should().Equal("be kind");
    }

    [Fact]
    public void Select_NeverStartsWithAnAssistantMessage()
    {
        var history = new List<ChatMessage> { ChatMessage.Assistant("orphan answer"), ChatMessage.User("q"), ChatMessage.Assistant("a") };

        Contents(new ContextWindow(100, 10_000).Select(history, Input)).Should().Equal("q", "a");
    }

    [Fact]
    public void Select_TreatsAnUnansweredUserMessageAsAUnitOfItsOwn()
    {
        var history = new List<ChatMessage> { ChatMessage.User("q0"), ChatMessage.Assistant("a0"), ChatMessage.User("unanswered") };

        Contents(new ContextWindow(1, 10_000).Select(history, Input)).Should().Equal("unanswered");
        Contents(new ContextWindow(3, 10_000).Select(history, Input)).Should().Equal("q0", "a0", "unanswered");
    }

    [Fact]
    public void Select_StopsAtTheFirstPairThatDoesNotFit_LeavingNoGap()
    {
        var history = new List<ChatMessage>
        {
            ChatMessage.User("q0"), ChatMessage.Assistant("a0"),
            ChatMessage.User(new string('x', 400)), ChatMessage.Assistant("big"),
            ChatMessage.User("q2"), ChatMessage.Assistant("a2"),
        };

        Contents(new ContextWindow(100, 40).Select(history, Input)).Should().Equal("q2", "a2");
    }

    [Fact]
    public void Constructor_RejectsNonsenseLimits()
    {
        ((Action)(() => _ = new ContextWindow(-1, 10))).Should().Throw<ArgumentOutOfRangeException>();
        ((Action)(() => _ = new ContextWindow(1, 0))).Should().Throw<ArgumentOutOfRangeException>();
    }
}
