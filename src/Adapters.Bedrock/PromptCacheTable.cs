namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// Which Bedrock models take Converse <c>cachePoint</c> blocks, and the fewest prompt tokens a checkpoint must
/// follow to be cached. Source: Amazon Bedrock User Guide, "Prompt caching for faster model inference",
/// section "Supported models, Regions, and limits" (prompt-caching.html#prompt-caching-models): every model
/// listed allows at most 4 checkpoints, a 5-minute TTL, and checkpoints in <c>system</c> and <c>messages</c>.
/// Where two revisions of that table disagree (Claude Sonnet 4.5: 1,024, later 4,096) the larger is kept:
/// a checkpoint placed too early is merely not cached. Claude 3 Haiku, Claude 3.5 Sonnet v1 and the older
/// Claude models are not listed, and Bedrock rejects cache points for them ("You invoked an unsupported model or
/// your request did not allow prompt caching"); Claude 3.5 Sonnet v2 is preview-only and left out.
/// </summary>
internal static class PromptCacheTable
{
    /// <summary>At most this many cache points per request, for every supported model.</summary>
    public const int MaxCachePoints = 4;

    /// <summary>Model id prefix (as called, without inference profile prefix or ARN) → minimum tokens per checkpoint.</summary>
    public static readonly IReadOnlyDictionary<string, int> BuiltIn = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["anthropic.claude-3-5-haiku-"] = 2_048,
        ["anthropic.claude-3-7-sonnet-"] = 1_024,
        ["anthropic.claude-sonnet-4-2"] = 1_024,     // Claude Sonnet 4 (anthropic.claude-sonnet-4-20250514-v1:0)
        ["anthropic.claude-sonnet-4-5-"] = 4_096,
        ["anthropic.claude-sonnet-4-6"] = 1_024,
        ["anthropic.claude-opus-4-2"] = 1_024,       // Claude Opus 4 (anthropic.claude-opus-4-20250514-v1:0)
        ["anthropic.claude-opus-4-1-"] = 1_024,
        ["anthropic.claude-opus-4-5-"] = 4_096,
        ["anthropic.claude-opus-4-6"] = 4_096,
        ["anthropic.claude-haiku-4-5-"] = 4_096,
        ["amazon.nova-micro-"] = 1_000,
        ["amazon.nova-lite-"] = 1_000,
        ["amazon.nova-pro-"] = 1_000,
        ["amazon.nova-premier-"] = 1_000,
    };

    // Geography prefixes of system-defined cross-region inference profiles.
    private static readonly string[] ProfilePrefixes = ["us.", "us-gov.", "eu.", "apac.", "jp.", "au.", "ca.", "global."];

    /// <summary>
    /// The minimum tokens per checkpoint for <paramref name="modelId"/>, or null when neither table knows it. The
    /// configured table is asked first with the id as given, then both with the base model id; the longest
    /// matching prefix wins.
    /// </summary>
    public static int? MinimumTokens(string modelId, IEnumerable<KeyValuePair<string, int>> configured)
    {
        ArgumentNullException.ThrowIfNull(modelId);
        var extra = configured.ToList();
        return Longest(extra, modelId) ?? Longest(extra.Concat(BuiltIn.Where(b => extra.All(e => e.Key != b.Key))), BaseModelId(modelId));
    }

    /// <summary>The foundation model id inside an inference profile id or an ARN (<c>…/us.anthropic.x</c> → <c>anthropic.x</c>).</summary>
    public static string BaseModelId(string modelId)
    {
        var id = modelId[(modelId.LastIndexOf('/') + 1)..];
        foreach (var prefix in ProfilePrefixes)
        {
            if (id.StartsWith(prefix, StringComparison.Ordinal))
            {
                return id[prefix.Length..];
            }
        }

        return id;
    }

    private static int? Longest(IEnumerable<KeyValuePair<string, int>> table, string id) =>
        table.Where(e => id.StartsWith(e.Key, StringComparison.Ordinal))
            .OrderByDescending(e => e.Key.Length)
            .Select(e => (int?)e.Value)
            .FirstOrDefault();
}
