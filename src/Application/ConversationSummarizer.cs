using System.Text;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Application;

/// <summary>
/// Summary memory for <see cref="ContinueConversation"/> (<see cref="ConversationOptions.Summary"/>). While the
/// history fits the context window nothing happens. Once it does not, the messages that no longer fit, and
/// enough older ones that the rest fills only half the window, are summarised by the model together with the
/// previous summary, and the summary is stored with how many messages it covers. The summary is then sent, as
/// a system message, in place of what it covers. So each message is summarised once, a summarisation happens
/// once every several turns (half a window's worth) rather than every turn, and between two summarisations the prompt only
/// grows at its end, which keeps the provider's prompt cache warm.
/// </summary>
internal sealed partial class ConversationSummarizer
{
    public const string DefaultInstruction =
        "You keep the memory of a conversation between a user and an assistant. Write a concise summary of the " +
        "summary so far (if any) and the new messages: the facts, names, numbers, decisions and open questions the " +
        "assistant needs to continue the conversation. Write it in the conversation's language. Answer with the summary only.";

    /// <summary>How the summary is introduced to the model, before its text.</summary>
    public const string SummaryHeading = "Summary of the earlier conversation:\n";

    private readonly ILanguageModel _model;
    private readonly IConversationRepository _repository;
    private readonly ConversationOptions _options;
    private readonly ContextWindow _window;
    private readonly ContextWindow _halfWindow;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ConversationSummarizer(ILanguageModel model, IConversationRepository repository, ConversationOptions options, TimeProvider time, ILogger logger)
    {
        _model = model;
        _repository = repository;
        _options = options;
        _window = new ContextWindow(options.MaxHistoryMessages, options.MaxContextTokens);
        _halfWindow = new ContextWindow(options.MaxHistoryMessages / 2, Math.Max(1, options.MaxContextTokens / 2));
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// The messages to send before <paramref name="input"/>, from the session's whole <paramref name="history"/>:
    /// its system messages, the summary (refreshed first when the history outgrew the window) and the newest
    /// messages it does not cover that fit the window.
    /// </summary>
    public async Task<IReadOnlyList<ChatMessage>> SelectAsync(SessionId sessionId, IReadOnlyList<ChatMessage> history, ChatMessage input, CancellationToken cancellationToken)
    {
        var system = history.Where(m => m.Role == ChatRole.System).ToList();
        var dialogue = history.Where(m => m.Role != ChatRole.System).ToList();
        var summary = await _repository.LoadSummaryAsync(sessionId, cancellationToken).ConfigureAwait(false);
        var covered = Math.Min(summary?.CoveredMessages ?? 0, dialogue.Count);

        var selected = Select(system, summary, dialogue, covered, input, _window);
        var dropped = dialogue.Count - covered - selected.Count(m => m.Role != ChatRole.System);
        if (dropped == 0)
        {
            return selected;
        }

        // Summarise down to half the window, so the next summarisation is turns away.
        var keep = Select([], null, dialogue, covered, input, _halfWindow).Count;
        var target = dialogue.Count - keep;
        while (covered < target)
        {
            var batch = Batch(dialogue, covered, target);
            summary = await SummariseAsync(summary, dialogue.GetRange(covered, batch), covered + batch, cancellationToken).ConfigureAwait(false);
            covered += batch;
        }

        try
        {
            await _repository.SaveSummaryAsync(sessionId, summary!, cancellationToken).ConfigureAwait(false);
            LogSummarised(sessionId.LogHandle, covered, summary!.Usage?.InputTokens ?? 0, summary.Usage?.OutputTokens ?? 0);
        }
        catch (NotSupportedException)
        {
            LogNotKept(_repository.Name);
        }

        return Select(system, summary, dialogue, covered, input, _window);
    }

    private IReadOnlyList<ChatMessage> Select(
        List<ChatMessage> system, ConversationSummary? summary, List<ChatMessage> dialogue, int covered, ChatMessage input, ContextWindow window)
    {
        var candidates = new List<ChatMessage>(system.Count + 1 + dialogue.Count - covered);
        candidates.AddRange(system);
        if (summary is not null)
        {
            candidates.Add(ChatMessage.System(SummaryHeading + summary.Text));
        }

        candidates.AddRange(dialogue.Skip(covered));
        return window.Select(candidates, input, _options.SystemPrompt);
    }

    // The most messages from `start` whose text fits one summarisation call's context, ending after an answer
    // when it can; at least one message, so the loop always advances.
    private int Batch(List<ChatMessage> dialogue, int start, int end)
    {
        var budget = _options.MaxContextTokens - _options.SummaryMaxTokens;
        var count = 0;
        var lastPairEnd = 0;
        for (var i = start; i < end && (budget -= TokenEstimator.Estimate(dialogue[i])) >= 0; i++)
        {
            count++;
            if (dialogue[i].Role == ChatRole.Assistant)
            {
                lastPairEnd = count;
            }
        }

        return Math.Max(1, lastPairEnd > 0 && lastPairEnd < count ? lastPairEnd : count);
    }

    private async Task<ConversationSummary> SummariseAsync(ConversationSummary? previous, IReadOnlyList<ChatMessage> messages, int covers, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        if (previous is not null)
        {
            text.Append("Summary so far:\n").Append(previous.Text).Append("\n\n");
        }

        text.Append("New messages:\n");
        foreach (var message in messages)
        {
            text.Append(ChatRoles.Name(message.Role)).Append(": ").Append(message.Content).Append('\n');
        }

        var settings = new ModelSettings { MaxTokens = _options.SummaryMaxTokens, Temperature = 0 };
        var request = new ModelRequest(_options.SummaryInstruction, [ChatMessage.User(text.ToString())], settings);
        var response = await _model.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        var modelId = response.ModelId ?? (await _model.GetStatusAsync(cancellationToken).ConfigureAwait(false)).ModelId;
        var usage = response.Usage.ToMessageUsage(modelId);
        return new ConversationSummary(response.Text.Trim(), covers, previous?.Usage?.Add(usage) ?? usage, _time.GetUtcNow());
    }

    [LoggerMessage(10, LogLevel.Information, "Summary memory refreshed for session {Session}: covers {Covered} messages; summaries so far {InputTokens} input and {OutputTokens} output tokens")]
    private partial void LogSummarised(string session, int covered, int inputTokens, int outputTokens);

    [LoggerMessage(11, LogLevel.Warning, "Summary memory is on but the store {Store} keeps no summaries: the summary is used for this turn only")]
    private partial void LogNotKept(string store);
}
