namespace ChatBedrock.Domain;

/// <summary>The rule for a turn's idempotency key: 1–128 printable ASCII characters (space to tilde).</summary>
public static class RequestIds
{
    public const int MaxLength = 128;

    /// <summary>The key, or null when none was sent; a key outside the rule is <see cref="ChatErrorCode.RequestIdInvalid"/>.</summary>
    public static string? Validate(string? requestId)
    {
        if (requestId is null)
        {
            return null;
        }

        // Printable ASCII only: safe in a header, a log line and every store's key space, and one rule for all paths.
        if (requestId.Length is 0 or > MaxLength || requestId.Any(c => c is < ' ' or > '~'))
        {
            throw new ChatException(ChatErrorCode.RequestIdInvalid,
                $"The idempotency key (Idempotency-Key or request_id) must be 1 to {MaxLength} printable ASCII characters.");
        }

        return requestId;
    }
}
