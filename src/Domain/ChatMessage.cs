namespace ChatBedrock.Domain;

/// <summary>Who wrote a message.</summary>
public enum ChatRole
{
    User,
    Assistant,
    System,
}

/// <summary>
/// The one mapping between <see cref="ChatRole"/> and its lower-case name ("user", "assistant", "system"), the
/// name every wire format, store and template ChatBedrock speaks uses.
/// </summary>
public static class ChatRoles
{
    public static string Name(ChatRole role) => role switch
    {
        ChatRole.User => "user",
        ChatRole.Assistant => "assistant",
        ChatRole.System => "system",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    /// <summary>Reads a role name; false for anything else (compared exactly: names are lower case).</summary>
    public static bool TryParse(string? name, out ChatRole role)
    {
        switch (name)
        {
            case "user": role = ChatRole.User; return true;
            case "assistant": role = ChatRole.Assistant; return true;
            case "system": role = ChatRole.System; return true;
            default: role = default; return false;
        }
    }
}

/// <summary>One message of a conversation.</summary>
/// <param name="Role">Who wrote it.</param>
/// <param name="Content">Its text.</param>
/// <param name="Timestamp">When it was written; null when the store does not keep time (e.g. LangChain's table).</param>
public sealed record ChatMessage(ChatRole Role, string Content, DateTimeOffset? Timestamp = null)
{
    /// <summary>For an assistant answer, the tokens and model that produced it; null when not known (older or foreign entries).</summary>
    public MessageUsage? Usage { get; init; }

    /// <summary>
    /// An assistant message cut short because the client stopped reading (the page's Stop, a closed tab): the
    /// text that had arrived, kept so the conversation goes on from it, marked so it is not taken for a whole answer.
    /// </summary>
    public bool Interrupted { get; init; }

    /// <summary>
    /// On a user message: the client's idempotency key for the turn it started (the rule is
    /// <see cref="RequestIds"/>), so a repeated turn is answered from the store; null when the client sent none.
    /// </summary>
    public string? RequestId { get; init; }

    public static ChatMessage User(string content, DateTimeOffset? timestamp = null) => new(ChatRole.User, content, timestamp);

    public static ChatMessage Assistant(string content, DateTimeOffset? timestamp = null) => new(ChatRole.Assistant, content, timestamp);

    public static ChatMessage System(string content, DateTimeOffset? timestamp = null) => new(ChatRole.System, content, timestamp);
}

/// <summary>One completed exchange: the user's message and the model's answer, stored together or not at all.</summary>
public sealed record ChatTurn
{
    public ChatTurn(ChatMessage user, ChatMessage assistant)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(assistant);
        if (user.Role != ChatRole.User || assistant.Role != ChatRole.Assistant)
        {
            throw new ArgumentException("A turn is a user message followed by an assistant message.");
        }

        User = user;
        Assistant = assistant;
    }

    public ChatMessage User { get; }

    public ChatMessage Assistant { get; }

    /// <summary>Whether <paramref name="other"/> holds the same two texts: how a store recognises the turn a caller last saw.</summary>
    public bool SameTextAs(ChatTurn other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(User.Content, other.User.Content, StringComparison.Ordinal)
            && string.Equals(Assistant.Content, other.Assistant.Content, StringComparison.Ordinal);
    }
}
