// Over 250 lines: numbering (counter, catch-up) belongs with the reads and writes whose invariants it keeps (ADR 0010).
using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// One item per turn: partition key the session id, numeric sort key the turn number (1, 2, …), the user's
/// and the assistant's text in <c>User</c> and <c>Assistant</c>. A per-session counter item (sort key 0,
/// outside the range readers query) hands out turn numbers with an atomic <c>ADD</c>; the turn is then a
/// PutItem that refuses to overwrite. Reads query the newest turns only. See ADR 0010.
/// </summary>
internal sealed partial class TurnsConversationRepository(StoreTable table) : IConversationRepository
{
    public string Name => "dynamodb";

    public const string UserAttribute = "User";
    public const string AssistantAttribute = "Assistant";
    public const string UserAtAttribute = "UserAt";
    public const string AssistantAtAttribute = "AssistantAt";

    /// <summary>The counter item's attribute: the last turn number handed out.</summary>
    public const string LastTurnAttribute = "LastTurn";

    /// <summary>The counter item's sort key: below every turn, so a key condition <c>&gt; 0</c> leaves it out.</summary>
    public const long CounterKey = 0;

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
            var items = await QueryAsync(sessionId, turnsWanted, projection: null, withCounter: false, cancellationToken).ConfigureAwait(false);
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
        if (turn.Assistant.Usage is { } usage)
        {
            item[UsageAttributes.UsageAttribute] = UsageAttributes.ToMap(usage);
        }

        var expiry = table.ExpiresAt();
        if (expiry is not null)
        {
            item[table.Options.TimeToLiveAttributeName] = expiry;
        }

        if (ItemSize.Of(item) > ItemSize.Limit)
        {
            throw table.TurnTooLarge();
        }

        return table.GuardAsync("PutItem", async () =>
        {
            var number = await TakeNumberAsync(sessionId, expiry, cancellationToken).ConfigureAwait(false);
            if (number == 1)
            {
                // The counter was absent: a new session, or one written before counters (or whose counter
                // expired first). Its turns, if any, decide where numbering goes on.
                number = await CatchUpAsync(sessionId, number, expiry, cancellationToken).ConfigureAwait(false);
            }

            while (!await TryPutAsync(item, number, cancellationToken).ConfigureAwait(false))
            {
                // Only when the counter is behind the turns (a writer without it, or a lost counter).
                LogTurnTaken(table.Logger, number, sessionId.LogHandle);
                number = await CatchUpAsync(sessionId, number, expiry, cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    // Item by item rather than BatchWriteItem: the function's least-privilege role grants DeleteItem, not
    // BatchWriteItem, and deleting a session is rare enough that a few parallel requests cost nothing.
    // The counter goes too; a turn arriving meanwhile starts a new count that catches up with what is left.
    public Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken) =>
        table.GuardAsync("DeleteItem", async () =>
        {
            var keys = await QueryAsync(sessionId, null, "#pk, #sk", withCounter: true, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Advances the session's counter by one and returns it: a number no other writer is given.</summary>
    private async Task<long> TakeNumberAsync(SessionId sessionId, AttributeValue? expiry, CancellationToken cancellationToken)
    {
        var request = CounterRequest(sessionId, expiry, expiry is null ? "ADD #last :one" : "ADD #last :one SET #ttl = :ttl");
        request.ExpressionAttributeValues[":one"] = Number(1);
        var response = await table.Client.UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
        table.Consumed("UpdateItem", response.ConsumedCapacity);
        return ParseNumber(response.Attributes, LastTurnAttribute);
    }

    /// <summary>
    /// <paramref name="taken"/> when it is past every stored turn; otherwise a number past the newest turn,
    /// by raising the counter to it (conditionally, so a number is still given once) or, when another writer
    /// raised it first, by advancing it again.
    /// </summary>
    private async Task<long> CatchUpAsync(SessionId sessionId, long taken, AttributeValue? expiry, CancellationToken cancellationToken)
    {
        var newest = await QueryAsync(sessionId, 1, "#sk", withCounter: false, cancellationToken).ConfigureAwait(false);
        var next = newest.Count == 0 ? 1 : ParseNumber(newest[0], table.Options.SortKeyName) + 1;
        if (taken >= next)
        {
            return taken;
        }

        var request = CounterRequest(sessionId, expiry, expiry is null ? "SET #last = :next" : "SET #last = :next, #ttl = :ttl");
        request.ConditionExpression = "attribute_not_exists(#last) OR #last < :next";
        request.ExpressionAttributeValues[":next"] = Number(next);
        request.ReturnValues = ReturnValue.NONE;
        try
        {
            var response = await table.Client.UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
            table.Consumed("UpdateItem", response.ConsumedCapacity);
            return next;
        }
        catch (ConditionalCheckFailedException)
        {
            // The counter is already at or past `next`: what it hands out next is past the newest turn.
            return await TakeNumberAsync(sessionId, expiry, cancellationToken).ConfigureAwait(false);
        }
    }

    private UpdateItemRequest CounterRequest(SessionId sessionId, AttributeValue? expiry, string update)
    {
        var key = table.Key(sessionId);
        key[table.Options.SortKeyName] = Number(CounterKey);
        var request = new UpdateItemRequest
        {
            TableName = table.Name,
            Key = key,
            UpdateExpression = update,
            ExpressionAttributeNames = new(StringComparer.Ordinal) { ["#last"] = LastTurnAttribute },
            ExpressionAttributeValues = new(StringComparer.Ordinal),
            ReturnValues = ReturnValue.UPDATED_NEW,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        };
        if (expiry is not null)
        {
            // The counter lives as long as the newest turn, so it outlives every turn it numbered.
            request.ExpressionAttributeNames["#ttl"] = table.Options.TimeToLiveAttributeName;
            request.ExpressionAttributeValues[":ttl"] = expiry;
        }

        return request;
    }

    /// <summary>Writes the turn as number <paramref name="number"/> unless that number is stored already.</summary>
    private async Task<bool> TryPutAsync(Dictionary<string, AttributeValue> item, long number, CancellationToken cancellationToken)
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
            return true;
        }
        catch (ConditionalCheckFailedException)
        {
            return false;
        }
    }

    /// <summary>
    /// The session's turns, oldest first (all) or newest first (<paramref name="newest"/> of them); the
    /// counter item only <paramref name="withCounter"/>, else the key condition skips it without reading it.
    /// </summary>
    private async Task<List<Dictionary<string, AttributeValue>>> QueryAsync(
        SessionId sessionId, int? newest, string? projection, bool withCounter, CancellationToken cancellationToken)
    {
        var items = new List<Dictionary<string, AttributeValue>>();
        Dictionary<string, AttributeValue>? startKey = null;
        do
        {
            var response = await table.Client.QueryAsync(
                new QueryRequest
                {
                    TableName = table.Name,
                    KeyConditionExpression = withCounter ? "#pk = :id AND #sk >= :counter" : "#pk = :id AND #sk > :counter",
                    ExpressionAttributeNames = _keyNames,
                    ExpressionAttributeValues = new(StringComparer.Ordinal) { [":id"] = new AttributeValue { S = sessionId.Value }, [":counter"] = Number(CounterKey) },
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

    private static long ParseNumber(Dictionary<string, AttributeValue>? item, string name) =>
        item is not null && item.TryGetValue(name, out var value) && long.TryParse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new InvalidDataException($"The session's item has no numeric {name}.");

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
            messages.Add(new ChatMessage(role, content, at)
            {
                Usage = role == ChatRole.Assistant ? UsageAttributes.FromMap(item.GetValueOrDefault(UsageAttributes.UsageAttribute)) : null,
            });
        }
    }

    [LoggerMessage(3, LogLevel.Debug, "Turn {Turn} of session {Session} was stored already (the counter was behind); catching up")]
    private static partial void LogTurnTaken(ILogger logger, long turn, string session);
}
