namespace ChatBedrock.Domain;

/// <summary>
/// The one exception type of ChatBedrock. Every broken rule and every failure of a port that a caller
/// can act on is raised as this type with a <see cref="ChatErrorCode"/>; hosts map the code to a
/// status in exactly one place.
/// </summary>
public sealed class ChatException : Exception
{
    public ChatException(ChatErrorCode code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    public ChatException(ChatErrorCode code, string message, TimeSpan retryAfter, Exception? innerException = null)
        : this(code, message, innerException)
    {
        RetryAfter = retryAfter;
    }

    /// <summary>What went wrong, for machines.</summary>
    public ChatErrorCode Code { get; }

    /// <summary>When set, how long the caller should wait before retrying.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>Whether the same request may succeed when sent again unchanged.</summary>
    public bool IsTransient => Code is ChatErrorCode.ModelThrottled or ChatErrorCode.ModelUnavailable
        or ChatErrorCode.ModelTimeout or ChatErrorCode.StoreUnavailable or ChatErrorCode.ServerBusy;
}
