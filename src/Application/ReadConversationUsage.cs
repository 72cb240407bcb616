using ChatBedrock.Domain;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Application;

/// <summary>
/// A chat's token totals (its stored answers and its summaries), and their estimated cost.
/// </summary>
/// <param name="SessionId">The session.</param>
/// <param name="Totals">Every kind of token added up; the model id is null (see <paramref name="Models"/>).</param>
/// <param name="Models">The totals per model id, in order of first use; answers stored without usage are not counted.</param>
/// <param name="EstimatedCost">The cost at the price table's prices; null when the table is empty or misses a model used.</param>
/// <param name="Answers">How many assistant answers the session has (with or without stored usage).</param>
/// <param name="Summary">The session's summary memory, if any.</param>
public sealed record ConversationUsage(
    SessionId SessionId,
    MessageUsage Totals,
    IReadOnlyList<MessageUsage> Models,
    decimal? EstimatedCost,
    int Answers,
    ConversationSummary? Summary);

/// <summary>The use case: total a session's usage and price it with <see cref="ConversationOptions.Prices"/>.</summary>
public sealed class ReadConversationUsage(IConversationRepository repository, IOptions<ConversationOptions> options)
{
    private readonly UsagePrices _prices = UsagePrices.Parse(options.Value.Prices);

    /// <summary>Totals the session <paramref name="sessionId"/> (as the client sent it); an invalid id is <see cref="ChatErrorCode.SessionIdInvalid"/>.</summary>
    public async Task<ConversationUsage> ExecuteAsync(string sessionId, CancellationToken cancellationToken)
    {
        var id = SessionId.Parse(sessionId);
        var messages = await repository.LoadAsync(id, newestLimit: null, cancellationToken).ConfigureAwait(false);
        var summary = await repository.LoadSummaryAsync(id, cancellationToken).ConfigureAwait(false);
        var answers = messages.Count(m => m.Role == ChatRole.Assistant);
        var used = messages.Select(m => m.Usage).Append(summary?.Usage).OfType<MessageUsage>();
        return Total(id, used, answers, summary);
    }

    private ConversationUsage Total(SessionId id, IEnumerable<MessageUsage> used, int answers, ConversationSummary? summary)
    {
        var totals = new MessageUsage(0, 0);
        var models = new List<MessageUsage>();
        foreach (var usage in used)
        {
            totals = totals.Add(usage with { ModelId = null });
            var i = models.FindIndex(m => m.ModelId == usage.ModelId);
            if (i < 0)
            {
                models.Add(usage);
            }
            else
            {
                models[i] = models[i].Add(usage);
            }
        }

        decimal? cost = _prices.IsEmpty ? null : 0m;
        foreach (var model in models)
        {
            cost = _prices.Find(model.ModelId) is { } price ? cost + price.CostOf(model) : null;
        }

        return new ConversationUsage(id, totals, models, cost, answers, summary);
    }
}
