using Amazon.DynamoDBv2;
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
        table.GuardAsync("GetItem", async () =>
        {
            var response = await table.Client.GetItemAsync(
                new GetItemRequest
                {
                    TableName = table.Name,
                    Key = CounterItemKey(sessionId),
                    ConsistentRead = table.Options.ConsistentRead,
                    ProjectionExpression = "#summary",
                    ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#summary"] = UsageAttributes.SummaryAttribute },
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                },
                cancellationToken).ConfigureAwait(false);
            table.Consumed("GetItem", response.ConsumedCapacity);
            return UsageAttributes.SummaryFromMap(response.Item?.GetValueOrDefault(UsageAttributes.SummaryAttribute));
        }, cancellationToken);

    public Task SaveSummaryAsync(SessionId sessionId, ConversationSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return table.GuardAsync("UpdateItem", async () =>
        {
            var response = await table.Client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = table.Name,
                    Key = CounterItemKey(sessionId),
                    UpdateExpression = "SET #summary = :summary",
                    ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#summary"] = UsageAttributes.SummaryAttribute },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":summary"] = UsageAttributes.SummaryToMap(summary) },
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                },
                cancellationToken).ConfigureAwait(false);
            table.Consumed("UpdateItem", response.ConsumedCapacity);
        }, cancellationToken);
    }

    private Dictionary<string, AttributeValue> CounterItemKey(SessionId sessionId)
    {
        var key = table.Key(sessionId);
        key[table.Options.SortKeyName] = UsageAttributes.Number(CounterKey);
        return key;
    }
}
