using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// Summary memory as a <c>Summary</c> map on one item of the session; each layout says which item
/// (the LangChain layout's session item, the turns layout's counter item).
/// </summary>
internal sealed partial class StoreTable
{
    public Task<ConversationSummary?> LoadSummaryAsync(Dictionary<string, AttributeValue> key, CancellationToken cancellationToken) =>
        GuardAsync("GetItem", async () =>
        {
            var response = await Client.GetItemAsync(
                new GetItemRequest
                {
                    TableName = Name,
                    Key = key,
                    ConsistentRead = Options.ConsistentRead,
                    ProjectionExpression = "#summary",
                    ExpressionAttributeNames = SummaryName(),
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                },
                cancellationToken).ConfigureAwait(false);
            Consumed("GetItem", response.ConsumedCapacity);
            return UsageAttributes.SummaryFromMap(response.Item?.GetValueOrDefault(UsageAttributes.SummaryAttribute));
        }, cancellationToken);

    public Task SaveSummaryAsync(Dictionary<string, AttributeValue> key, ConversationSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return GuardAsync("UpdateItem", async () =>
        {
            var response = await Client.UpdateItemAsync(
                new UpdateItemRequest
                {
                    TableName = Name,
                    Key = key,
                    UpdateExpression = "SET #summary = :summary",
                    ExpressionAttributeNames = SummaryName(),
                    ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal) { [":summary"] = UsageAttributes.SummaryToMap(summary) },
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                },
                cancellationToken).ConfigureAwait(false);
            Consumed("UpdateItem", response.ConsumedCapacity);
        }, cancellationToken);
    }

    private static Dictionary<string, string> SummaryName() =>
        new(StringComparer.Ordinal) { ["#summary"] = UsageAttributes.SummaryAttribute };
}
