using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// One item per turn: partition key the session id, numeric sort key the turn number (1, 2, …), the user's
/// and the assistant's text in <c>User</c> and <c>Assistant</c>. A turn is one conditional PutItem
/// (<c>attribute_not_exists</c>) after the number of the newest turn; a concurrent writer that took the
/// number makes it retry with the next. Reads query the newest turns only. See ADR 0010.
/// </summary>
internal sealed partial class TurnsConversationRepository(HistoryTable table) : IConversationRepository
{
    public string Name => "dynamodb";

    public const string UserAttribute = "User";
    public const string AssistantAttribute = "Assistant";
    public const string UserAtAttribute = "UserAt";
    public const string AssistantAtAttribute = "AssistantAt";

    private const int MaxParallelDeletes = 8;

    private readonly Dictionary<string, string> _keyNames = new(StringComparer.Ordinal)
    {
        ["#pk"] = table.Options.PartitionKeyName,
        ["#sk"] = table.Options.SortKeyName,
    };

    public Task<IReadOnlyList<ChatMessage>> LoadAsync(SessionId sessionId, int? newestLimit, CancellationToken cancellationToken)
    {
        if (newestLimit <= 0)
        {
            return Task.FromResult<IReadOnlyList<ChatMessage>>([]);
        }

        // Whole turns: the newest ceil(limit / 2) of them hold at least the newest `limit` messages.
        int? turnsWanted = newestLimit is { } limit ? (limit + 1) / 2 : null;
        return table.GuardAsync("Query", async () =>
        {
            var items = await QueryAsync(sessionId, turnsWanted, projection: null, cancellationToken).ConfigureAwait(false);
            var messages = new List<ChatMessage>(items.Count * 2);
            foreach (var item in turnsWanted is null ? items : Enumerable.Reverse(items))
            {
                AddMessage(messages, item, ChatRole.User, UserAttribute, UserAtAttribute);
                AddMessage(messages, item, ChatRole.Assistant, AssistantAttribute, AssistantAtAttribute);
            }

            return (IReadOnlyList<ChatMessage>)messages;
        }, cancellationToken);
    }

    public Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var item = table.Key(sessionId);
        item[table.Options.SortKeyName] = Number(long.MaxValue); // sized as the largest number it can take
        item[UserAttribute] = new AttributeValue { S = turn.User.Content };
        item[AssistantAttribute] = new AttributeValue { S = turn.Assistant.Content };
        AddTimestamp(item, UserAtAttribute, turn.User.Timestamp);
        AddTimestamp(item, AssistantAtAttribute, turn.Assistant.Timestamp);
        if (table.ExpiresAt() is { } expiry)
        {
            item[table.Options.TimeToLiveAttributeName] = expiry;
        }

        if (ItemSize.Of(item) > ItemSize.Limit)
        {
            throw table.TurnTooLarge();
        }

        return table.GuardAsync("PutItem", async () =>
        {
            var newest = await QueryAsync(sessionId, 1, "#sk", cancellationToken).ConfigureAwait(false);
            var number = newest.Count == 0 ? 1 : ParseTurn(newest[0]) + 1;
            while (true)
            {
                item[table.Options.SortKeyName] = Number(number);
                try
                {
                    var response = await table.Client.PutItemAsync(
                        new PutItemRequest
                        {
                            TableName = table.Name,
                            Item = item,
                            ConditionExpression = "attribute_not_exists(#pk)",
                            ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#pk"] = table.Options.PartitionKeyName },
                            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                        },
                        cancellationToken).ConfigureAwait(false);
                    table.Consumed("PutItem", response.ConsumedCapacity);
                    return;
                }
                catch (ConditionalCheckFailedException)
                {
                    // Another turn took this number, so a later one is free: progress is guaranteed.
                    LogTurnTaken(table.Logger, number, sessionId.Value);
                    number++;
                }
            }
        }, cancellationToken);
    }

    // Item by item rather than BatchWriteItem: the function's least-privilege role grants DeleteItem, not
    // BatchWriteItem, and deleting a session is rare enough that a few parallel requests cost nothing.
    public Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken) =>
        table.GuardAsync("DeleteItem", async () =>
        {
            var keys = await QueryAsync(sessionId, null, "#pk, #sk", cancellationToken).ConfigureAwait(false);
            await Parallel.ForEachAsync(
                keys,
                new ParallelOptions { MaxDegreeOfParallelism = MaxParallelDeletes, CancellationToken = cancellationToken },
                async (key, ct) =>
                {
                    var response = await table.Client.DeleteItemAsync(
                        new DeleteItemRequest { TableName = table.Name, Key = key, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL }, ct)
                        .ConfigureAwait(false);
                    table.Consumed("DeleteItem", response.ConsumedCapacity);
                }).ConfigureAwait(false);
        }, cancellationToken);

    /// <summary>The session's items, oldest first (all) or newest first (<paramref name="newest"/> of them).</summary>
    private async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(
        SessionId sessionId, int? newest, string? projection, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await table.Client.QueryAsync(
                new QueryRequest
                {
                    TableName = table.Name,
                    KeyConditionExpression = "#pk = :id",
                    ExpressionAttributeNames = projection is null ? new(StringComparer.Ordinal) { ["#pk"] = table.Options.PartitionKeyName } : _keyNames,
                    ExpressionAttributeValues = new(StringComparer.Ordinal) { [":id"] = new AttributeValue { S = sessionId.Value } },
                    ProjectionExpression = projection,
                    ScanIndexForward = newest is null,
                    Limit = newest - items.Count,
                    ConsistentRead = table.Options.ConsistentRead,
                    ExclusiveStartKey = startKey,
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                },
                cancellationToken).ConfigureAwait(false);
            table.Consumed("Query", response.ConsumedCapacity);
            items.AddRange(response.Items ?? []);
            startKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
        }
        while (startKey is not null && (newest is null || items.Count < newest));

        return items;
    }

    private long ParseTurn(Dictionary<string, AttributeValue> item) =>
        item.TryGetValue(table.Options.SortKeyName, out var value) && long.TryParse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new InvalidDataException($"The newest item of the session has no numeric {table.Options.SortKeyName}.");

    private static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    private static void AddTimestamp(Dictionary<string, AttributeValue> item, string name, DateTimeOffset? timestamp)
    {
        if (timestamp is { } at)
        {
            item[name] = new AttributeValue { S = at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) };
        }
    }

    private static void AddMessage(List<ChatMessage> messages, Dictionary<string, AttributeValue> item, ChatRole role, string textName, string timeName)
    {
        if (item.TryGetValue(textName, out var text) && text.S is { } content)
        {
            DateTimeOffset? at = item.TryGetValue(timeName, out var time)
                && DateTimeOffset.TryParse(time.S, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
            messages.Add(new ChatMessage(role, content, at));
        }
    }

    [LoggerMessage(3, LogLevel.Debug, "Turn {Turn} of session {SessionId} was taken by a concurrent write; trying the next")]
    private static partial void LogTurnTaken(ILogger logger, long turn, string sessionId);
}
