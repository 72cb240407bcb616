namespace ChatBedrock.Domain;

/// <summary>
/// What producing a stored message cost: the model call's token counts and which model answered. Kept with
/// assistant answers (and summaries) so a conversation's usage and cost can be totalled later. Input tokens
/// are those billed at the full price; cache reads and writes are counted apart, as Bedrock reports them.
/// </summary>
public sealed record MessageUsage(int InputTokens, int OutputTokens, int CacheReadTokens = 0, int CacheWriteTokens = 0, string? ModelId = null)
{
    /// <summary>Adds two usages; the model id is <paramref name="other"/>'s when it has one (the newer call's).</summary>
    public MessageUsage Add(MessageUsage? other) => other is null
        ? this
        : new(
            InputTokens + other.InputTokens,
            OutputTokens + other.OutputTokens,
            CacheReadTokens + other.CacheReadTokens,
            CacheWriteTokens + other.CacheWriteTokens,
            other.ModelId ?? ModelId);
}
