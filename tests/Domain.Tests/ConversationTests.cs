namespace ChatBedrock.Domain.Tests;

public sealed class ConversationTests
{
    [Fact]
    public void Append_AddsTheTurnsTwoMessagesInOrder()
    {
        var conversation = new Conversation(SessionId.New(), [ChatMessage.System("sys")]);

        conversation.Append(new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a")));

        conversation.Messages.Select(m => (m.Role, m.Content)).Should()
            .Equal((ChatRole.System, "sys"), (ChatRole.User, "q"), (ChatRole.Assistant, "a"));
    }

    [Fact]
    public void ChatTurn_WithRolesSwapped_Throws()
    {
        var act = () => new ChatTurn(ChatMessage.Assistant("a"), ChatMessage.User("q"));

        act.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void ChatException_CarriesCodeAndRetryAfter()
    {
        var e = new ChatException(ChatErrorCode.ModelThrottled, "slow down", TimeSpan.FromSeconds(3));

        e.Code.Should().Be(ChatErrorCode.ModelThrottled);
        e.RetryAfter.Should().Be(TimeSpan.FromSeconds(3));
        e.IsTransient.Should().BeTrue();
        new ChatException(ChatErrorCode.InputMissing, "x").IsTransient.Should().BeFalse();
    }
}
