namespace ChatBedrock.Domain;

/// <summary>
/// Which stored messages go to the model. Walking from the newest message back, whole user/assistant
/// pairs are kept while both limits hold: at most <see cref="MaxMessages"/> history messages and at most
/// <see cref="MaxTokens"/> estimated tokens (<see cref="TokenEstimator"/>) for the system prompt, the kept
/// history and the new input together. System messages found in the history are always kept (and count
/// against neither limit's trimming), as is the new input. The first pair that does not fit ends the walk,
/// so the model never sees a gap. A message without its partner (written by another tool) counts as a unit
/// of its own, and the selection never starts with an assistant message.
/// </summary>
public sealed record ContextWindow
{
    public ContextWindow(int maxMessages, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxMessages);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 1);
        MaxMessages = maxMessages;
        MaxTokens = maxTokens;
    }

    /// <summary>The most history messages sent (the new input not counted).</summary>
    public int MaxMessages { get; }

    /// <summary>The estimated token budget of system prompt, history and new input.</summary>
    public int MaxTokens { get; }

    /// <summary>
    /// Selects the history to send before <paramref name="input"/>, oldest first: system messages, then the
    /// newest whole pairs that fit.
    /// </summary>
    public IReadOnlyList<ChatMessage> Select(IReadOnlyList<ChatMessage> history, ChatMessage input, string? systemPrompt = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(input);

        var system = new List<ChatMessage>();
        var dialogue = new List<ChatMessage>(history.Count);
        foreach (var message in history)
        {
            (message.Role == ChatRole.System ? system : dialogue).Add(message);
        }

        var budget = MaxTokens - TokenEstimator.Estimate(input)
            - (string.IsNullOrEmpty(systemPrompt) ? 0 : TokenEstimator.Estimate(systemPrompt) + TokenEstimator.PerMessageOverhead);
        foreach (var message in system)
        {
            budget -= TokenEstimator.Estimate(message);
        }

        var start = dialogue.Count;
        var count = 0;
        var i = dialogue.Count - 1;
        while (i >= 0)
        {
            var unitStart = dialogue[i].Role == ChatRole.Assistant && i > 0 && dialogue[i - 1].Role == ChatRole.User ? i - 1 : i;
            var unitTokens = 0;
            for (var j = unitStart; j <= i; j++)
            {
                unitTokens += TokenEstimator.Estimate(dialogue[j]);
            }

            var unitCount = i - unitStart + 1;
            if (count + unitCount > MaxMessages || unitTokens > budget)
            {
                break;
            }

            count += unitCount;
            budget -= unitTokens;
            start = unitStart;
            i = unitStart - 1;
        }

        while (start < dialogue.Count && dialogue[start].Role == ChatRole.Assistant)
        {
            start++;
        }

        system.AddRange(dialogue.Skip(start));
        return system;
    }
}
