namespace ChatBedrock.Domain;

/// <summary>The ordered messages of one session.</summary>
public sealed class Conversation
{
    private readonly List<ChatMessage> _messages;

    public Conversation(SessionId sessionId, IEnumerable<ChatMessage>? messages = null)
    {
        SessionId = sessionId;
        _messages = messages is null ? [] : [.. messages];
    }

    public SessionId SessionId { get; }

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<ChatMessage> Messages => _messages;

    /// <summary>Appends a completed turn: its two messages stay adjacent.</summary>
    public void Append(ChatTurn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        _messages.Add(turn.User);
        _messages.Add(turn.Assistant);
    }
}
