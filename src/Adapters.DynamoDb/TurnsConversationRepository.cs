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

    /// <summary>Present (true) only on a turn whose answer was cut short by the client; absent on whole answers.</summary>
    public const string AssistantInterruptedAttribute = "AssistantInterrupted";

    /// <summary>The user's idempotency key for the turn, when it sent one.</summary>
    public const string RequestIdAttribute = "RequestId";

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
                var before = messages.Count;
                AddMessage(messages, item, ChatRole.User, UserAttribute, UserAtAttribute);
                WithRequestId(messages, before, item);
                AddMessage(messages, item, ChatRole.Assistant, AssistantAttribute, AssistantAtAttribute);
            }

            return (IReadOnlyList<ChatMessage>)messages;
        }, cancellationToken);
    }

    /// <summary>
    /// A page: positions are 2 × turn for the user's message and 2 × turn + 1 for the answer, so a cursor can
    /// fall between a turn's two messages. One newest-first <c>Query</c> of just enough turns below the cursor
    /// (<c>Limit</c>, continued with <c>ExclusiveStartKey</c> only when DynamoDB's 1 MB page cut it short).
    /// </summary>
    public Task<ConversationPage> LoadPageAsync(SessionId sessionId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        PageCursor.ValidateLimit(limit);
        var before = PageCursor.Parse(cursor) ?? long.MaxValue;
        var lastTurn = (before - 1) / 2;
        if (lastTurn < 1)
        {
            return Task.FromResult(ConversationPage.Empty);
        }

        // limit + 1 messages (one more tells whether older ones exist); the newest turn may give only its question.
        var turnsWanted = (limit / 2) + 2;
        return table.GuardAsync("Query", async () =>
        {
            var page = new PageBuilder(limit);
            var full = false;
            Dictionary<string, AttributeValue>? startKey = null;
            var turns = 0;
            do
            {
                var response = await table.Client.QueryAsync(
                    new QueryRequest
                    {
                        TableName = table.Name,
                        KeyConditionExpression = "#pk = :id AND #sk BETWEEN :first AND :last",
                        ExpressionAttributeNames = _keyNames,
                        ExpressionAttributeValues = new(StringComparer.Ordinal)
                        {
                            [":id"] = new AttributeValue { S = sessionId.Value },
                            [":first"] = Number(CounterKey + 1),
                            [":last"] = Number(lastTurn),
                        },
                        ScanIndexForward = false,
                        Limit = Math.Max(1, turnsWanted - turns),
                        ConsistentRead = table.Options.ConsistentRead,
                        ExclusiveStartKey = startKey,
                        ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                    },
                    cancellationToken).ConfigureAwait(false);
                table.Consumed("Query", response.ConsumedCapacity);
                foreach (var item in response.Items ?? [])
                {
                    turns++;
                    var number = ParseNumber(item, table.Options.SortKeyName);
                    full = full
                        || !AddPaged(page, item, ChatRole.Assistant, AssistantAttribute, AssistantAtAttribute, (2 * number) + 1, before)
                        || !AddPaged(page, item, ChatRole.User, UserAttribute, UserAtAttribute, 2 * number, before);
                }

                startKey = response.LastEvaluatedKey is { Count: > 0 } next ? next : null;
            }
            while (startKey is not null && !full);

            // Full: a message was refused, so older ones exist. Otherwise the query ran out of turns.
            return page.Build(more: full);
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
        AddInterrupted(item, turn.Assistant);
        if (turn.Assistant.Usage is { } usage)
        {
            item[UsageAttributes.UsageAttribute] = UsageAttributes.ToMap(usage);
        }

        if (turn.User.RequestId is { } requestId)
        {
            item[RequestIdAttribute] = new AttributeValue { S = requestId };
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

    /// <summary>
    /// Overwrites the newest turn's item, conditional on it still holding the expected texts, so of two concurrent
    /// replacements one wins. A turn appended meanwhile gets the next number and is kept: the replacement then took
    /// effect before it, as if it had come first (DynamoDB Local's emulator has no transactions to check the counter too).
    /// </summary>
    public Task<bool> ReplaceLastTurnAsync(SessionId sessionId, ChatTurn expectedLast, ChatTurn replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expectedLast);
        ArgumentNullException.ThrowIfNull(replacement);
        return table.GuardAsync("PutItem", async () =>
        {
            var newest = await QueryAsync(sessionId, 1, projection: null, withCounter: false, cancellationToken).ConfigureAwait(false);
            if (newest.Count == 0 || !newest[0].TryGetValue(UserAttribute, out var user) || !newest[0].TryGetValue(AssistantAttribute, out var assistant)
                || user.S != expectedLast.User.Content || assistant.S != expectedLast.Assistant.Content)
            {
                return false;
            }

            var item = table.Key(sessionId);
            item[table.Options.SortKeyName] = newest[0][table.Options.SortKeyName];
            item[UserAttribute] = new AttributeValue { S = replacement.User.Content };
            item[AssistantAttribute] = new AttributeValue { S = replacement.Assistant.Content };
            AddTimestamp(item, UserAtAttribute, replacement.User.Timestamp);
            AddTimestamp(item, AssistantAtAttribute, replacement.Assistant.Timestamp);
            AddInterrupted(item, replacement.Assistant);
            if (replacement.Assistant.Usage is { } usage)
            {
                item[UsageAttributes.UsageAttribute] = UsageAttributes.ToMap(usage);
            }

            if (table.ExpiresAt() is { } expiry)
            {
                item[table.Options.TimeToLiveAttributeName] = expiry;
            }

            if (ItemSize.Of(item) > ItemSize.Limit)
            {
                throw table.TurnTooLarge();
            }

            try
            {
                var response = await table.Client.PutItemAsync(
                    new PutItemRequest
                    {
                        TableName = table.Name,
                        Item = item,
                        ConditionExpression = "#user = :user AND #assistant = :assistant",
                        ExpressionAttributeNames = new(StringComparer.Ordinal) { ["#user"] = UserAttribute, ["#assistant"] = AssistantAttribute },
                        ExpressionAttributeValues = new(StringComparer.Ordinal) { [":user"] = user, [":assistant"] = assistant },
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

    private static void AddInterrupted(Dictionary<string, AttributeValue> item, ChatMessage assistant)
    {
        if (assistant.Interrupted)
        {
            item[AssistantInterruptedAttribute] = new AttributeValue { BOOL = true };
        }
    }

    private static void AddMessage(List<ChatMessage> messages, Dictionary<string, AttributeValue> item, ChatRole role, string textName, string timeName)
    {
        if (item.TryGetValue(textName, out var text) && text.S is { } content)
        {
            DateTimeOffset? at = item.TryGetValue(timeName, out var time)
                && DateTimeOffset.TryParse(time.S, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
            var interrupted = role == ChatRole.Assistant && item.TryGetValue(AssistantInterruptedAttribute, out var flag) && flag.BOOL == true;
            messages.Add(new ChatMessage(role, content, at)
            {
                Interrupted = interrupted,
                Usage = role == ChatRole.Assistant ? UsageAttributes.FromMap(item.GetValueOrDefault(UsageAttributes.UsageAttribute)) : null,
            });
        }
    }

    /// <summary>Offers one message of a turn to the page; false when the page refused it (it is full).</summary>
    private static bool AddPaged(PageBuilder page, Dictionary<string, AttributeValue> item, ChatRole role, string textName, string timeName, long position, long before)
    {
        var one = new List<ChatMessage>(1);
        AddMessage(one, item, role, textName, timeName);
        if (role == ChatRole.User)
        {
            WithRequestId(one, 0, item);
        }

        return one.Count == 0 || position >= before || page.TryAdd(one[0], PageCursor.Format(position));
    }

    /// <summary>Gives the user message just added (if one was: the count grew past <paramref name="before"/>) the turn's idempotency key.</summary>
    private static void WithRequestId(List<ChatMessage> messages, int before, Dictionary<string, AttributeValue> item)
    {
        if (messages.Count > before && messages[^1].Role == ChatRole.User && item.TryGetValue(RequestIdAttribute, out var key) && key.S is { } requestId)
        {
            messages[^1] = messages[^1] with { RequestId = requestId };
        }
    }

    [LoggerMessage(3, LogLevel.Debug, "Turn {Turn} of session {Session} was stored already (the counter was behind); catching up")]
    private static partial void LogTurnTaken(ILogger logger, long turn, string session);
}
