using Amazon.DynamoDBv2.Model;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// Summary memory in the turns layout: a <c>Summary</c> map on the session's counter item (sort key 0), which
/// lives as long as the newest turn and is deleted with the session. Writing it before any turn creates the
/// counter without a number, which the next turn treats as an absent counter and catches up.
/// </summary>
internal sealed partial class TurnsConversationRepository
{
    public Task<ConversationSummary?> LoadSummaryAsync(SessionId sessionId, CancellationToken cancellationToken) =>
        table.LoadSummaryAsync(CounterItemKey(sessionId), cancellationToken);

    public Task SaveSummaryAsync(SessionId sessionId, ConversationSummary summary, CancellationToken cancellationToken) =>
        table.SaveSummaryAsync(CounterItemKey(sessionId), summary, cancellationToken);

    private Dictionary<string, AttributeValue> CounterItemKey(SessionId sessionId)
    {
        var key = table.Key(sessionId);
        key[table.Options.SortKeyName] = UsageAttributes.Number(CounterKey);
        return key;
    }
}
