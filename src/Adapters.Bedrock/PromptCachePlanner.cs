using ChatBedrock.Adapters.Bedrock.Wire;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// Where a request's prompt cache points go: one after the system prompt and one at the end of the stable
/// history (every message before the new user input), so the next turn, which repeats both, reads them from
/// the cache. Rules from the Bedrock User Guide, "Prompt caching for faster model inference": checkpoints are
/// processed tools → system → messages over the cumulative prefix; the k-th checkpoint needs at least k times
/// the model's minimum tokens before it ("your first cache checkpoint can be defined after 1,024 tokens and
/// your second … after 2,048"); at most <see cref="PromptCacheTable.MaxCachePoints"/>. A point below the
/// minimum is not an error (the prefix is just not cached), so the estimate only has to be close:
/// <see cref="TokenEstimator"/> over the text alone, without its per-message overhead.
/// </summary>
internal sealed class PromptCachePlanner
{
    private PromptCachePlanner(int minimumTokens) => MinimumTokens = minimumTokens;

    /// <summary>The model's minimum tokens per checkpoint.</summary>
    public int MinimumTokens { get; }

    /// <summary>The planner for these options, or null when requests must carry no cache points (off, or auto with a model the table does not know).</summary>
    public static PromptCachePlanner? For(BedrockModelOptions options) =>
        options.PromptCache != PromptCacheMode.Off && PromptCacheTable.MinimumTokens(options.ModelId, options.PromptCacheModels) is { } minimum
            ? new PromptCachePlanner(minimum)
            : null;

    /// <summary>Appends cache point blocks to <paramref name="system"/> and to the last message of the stable history, where they pay.</summary>
    public void AddCachePoints(List<ContentBlock>? system, List<Message> messages)
    {
        var points = 0;
        long tokens = 0;
        if (system is not null)
        {
            tokens = Estimate(system);
            if (tokens >= MinimumTokens)
            {
                system.Add(ContentBlock.DefaultCachePoint);
                points++;
            }
        }

        if (messages.Count < 2)
        {
            return; // No history yet: only the new input, which the next turn repeats with an answer after it.
        }

        for (var i = 0; i < messages.Count - 1; i++)
        {
            tokens += Estimate(messages[i].Content);
        }

        if (points < PromptCacheTable.MaxCachePoints && tokens >= (long)MinimumTokens * (points + 1))
        {
            var stable = messages[^2];
            messages[^2] = stable with { Content = [.. stable.Content, ContentBlock.DefaultCachePoint] };
        }
    }

    private static long Estimate(IReadOnlyList<ContentBlock> blocks)
    {
        long tokens = 0;
        foreach (var block in blocks)
        {
            tokens += block.Text is { } text ? TokenEstimator.Estimate(text) : 0;
        }

        return tokens;
    }
}
