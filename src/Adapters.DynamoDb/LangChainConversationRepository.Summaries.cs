using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// Summary memory in the LangChain layout: a <c>Summary</c> map on the session's item, beside the history
/// LangChain reads (and ignores it). LangChain Python rewrites the whole item when it adds a message, which
/// drops the summary; the next turn that needs one then summarises again.
/// </summary>
internal sealed partial class LangChainConversationRepository
{
    public Task<ConversationSummary?> LoadSummaryAsync(SessionId sessionId, CancellationToken cancellationToken) =>
        table.GuardAsync("GetItem", async () =>
        {
            var response = await table.Client.GetItemAsync(
                new GetItemRequest
                {
                    TableName = table.Name,
                    Key = table.Key(sessionId),
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
                    Key = table.Key(sessionId),
                    UpdateExpression = "SET #summary = :summary",
                    ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#summary"] = UsageAttributes.SummaryAttribute },
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":summary"] = UsageAttributes.SummaryToMap(summary) },
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                },
                cancellationToken).ConfigureAwait(false);
            table.Consumed("UpdateItem", response.ConsumedCapacity);
        }, cancellationToken);
    }
}
