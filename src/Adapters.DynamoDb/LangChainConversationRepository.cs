// Over 250 lines: the one LangChain item is read, appended, trimmed and replaced under the same invariants (ADRs 0011, 0013).
using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// LangChain's <c>DynamoDBChatMessageHistory</c> table: one item per session, the messages in one list
/// attribute. A read is one strongly consistent GetItem; a turn is one UpdateItem appending both messages
/// with <c>list_append</c>, so concurrent turns lose nothing and entries written by others are never
/// rewritten. When an append would pass the 400 KB item limit, the oldest whole turns are dropped first
/// (never system messages); see ADR 0011. Whatever is dropped or deleted that ChatBedrock could not show is
/// counted in a warning.
/// </summary>
internal sealed partial class LangChainConversationRepository(StoreTable table) : IConversationRepository
{
    public string Name => "dynamodb";

    /// <summary>After dropping old turns, the item and the new turn fit in this much, so drops are rare.</summary>
    internal const int TrimTarget = 300 * 1024;

    // Keeps each REMOVE expression well under DynamoDB's 4 KB expression limit.
    private const int MaxRemovalsPerRequest = 100;
    private const int MaxAppendAttempts = 5;

    private const string AppendExpression = "SET #history = list_append(if_not_exists(#history, :empty), :turn)";

    public Task<IReadOnlyList<ChatMessage>> LoadAsync(SessionId sessionId, int? newestLimit, CancellationToken cancellationToken) =>
        // The whole history is one item: reading it costs the same whatever newestLimit asks for.
        table.GuardAsync("GetItem", async () =>
        {
            var history = await ReadHistoryAsync(sessionId, cancellationToken).ConfigureAwait(false);
            var messages = new List<ChatMessage>(history.Count);
            foreach (var entry in history)
            {
                if (LangChainMessages.Read(entry, out var reason) is { } message)
                {
                    messages.Add(message);
                }
                else
                {
                    LogSkipped(table.Logger, sessionId.LogHandle, table.Name, reason!);
                }
            }

            return (IReadOnlyList<ChatMessage>)messages;
        }, cancellationToken);

    /// <summary>
    /// A page of the one item. The item is read whole, as every turn reads it: it is at most 400 KB by
    /// construction (ADR 0011), so a page's cost and memory are bounded without list-index projections, which
    /// would need the list's length first. Positions are list indexes, so entries ChatBedrock skips keep
    /// cursors stable; a trim (ADR 0011) shifts them, and a cursor from before it then starts a little older.
    /// </summary>
    public Task<ConversationPage> LoadPageAsync(SessionId sessionId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        PageCursor.ValidateLimit(limit);
        var before = PageCursor.Parse(cursor);
        return table.GuardAsync("GetItem", async () =>
        {
            var history = await ReadHistoryAsync(sessionId, cancellationToken).ConfigureAwait(false);
            var page = new PageBuilder(limit);
            for (var index = (int)Math.Min(before ?? history.Count, history.Count) - 1; index >= 0; index--)
            {
                // Entries ChatBedrock cannot show are passed over, so a page never ends on a next that is empty.
                if (LangChainMessages.Read(history[index], out _) is { } message && !page.TryAdd(message, PageCursor.Format(index)))
                {
                    return page.Build(more: true);
                }
            }

            return page.Build(more: false);
        }, cancellationToken);
    }

    public Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var entries = LangChainMessages.Turn(turn);
        var request = AppendRequest(sessionId, entries);
        var turnSize = entries.Sum(e => ItemSize.Of(e, asListElement: true));
        if (ItemSize.Of(request.Key) + ItemSize.Of(new AttributeValue { L = entries }) + HistoryNameSize + ExpirySize() > ItemSize.Limit)
        {
            throw table.TurnTooLarge();
        }

        return table.GuardAsync("UpdateItem", async () =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    var response = await table.Client.UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
                    table.Consumed("UpdateItem", response.ConsumedCapacity);
                    return;
                }
                catch (AmazonDynamoDBException e) when (StoreTable.IsItemTooLarge(e) && attempt < MaxAppendAttempts)
                {
                    await MakeRoomAsync(sessionId, turnSize, cancellationToken).ConfigureAwait(false);
                }
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Sets the list's last two entries, when they are the expected HumanMessage and AIMessage, to the replacement's.
    /// Conditional on the list's length and on both old entries, so an append or another replacement meanwhile
    /// makes it change nothing and return false.
    /// </summary>
    public Task<bool> ReplaceLastTurnAsync(SessionId sessionId, ChatTurn expectedLast, ChatTurn replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expectedLast);
        ArgumentNullException.ThrowIfNull(replacement);
        var entries = LangChainMessages.Turn(replacement);
        return table.GuardAsync("UpdateItem", async () =>
        {
            var history = await ReadHistoryAsync(sessionId, cancellationToken).ConfigureAwait(false);
            var count = history.Count;
            if (count < 2
                || LangChainMessages.Read(history[count - 2], out _) is not { Role: ChatRole.User } user
                || LangChainMessages.Read(history[count - 1], out _) is not { Role: ChatRole.Assistant } assistant
                || !new ChatTurn(user, assistant).SameTextAs(expectedLast))
            {
                return false;
            }

            var at = (count - 2).ToString(CultureInfo.InvariantCulture);
            var next = (count - 1).ToString(CultureInfo.InvariantCulture);
            if (TextPath(history[count - 2], at) is not { } userPath || TextPath(history[count - 1], next) is not { } assistantPath)
            {
                return false; // Content blocks written by another tool: not a turn this store rewrites.
            }

            var request = new UpdateItemRequest
            {
                TableName = table.Name,
                Key = table.Key(sessionId),
                UpdateExpression = $"SET #history[{at}] = :user, #history[{next}] = :assistant",
                // The list's length guards against an append; the old texts against a replacement meanwhile.
                ConditionExpression = $"size(#history) = :count AND {userPath.Path} = :oldUser AND {assistantPath.Path} = :oldAssistant",
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#history"] = HistoryName },
                ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
                {
                    [":user"] = entries[0],
                    [":assistant"] = entries[1],
                    [":oldUser"] = userPath.Value,
                    [":oldAssistant"] = assistantPath.Value,
                    [":count"] = new AttributeValue { N = count.ToString(CultureInfo.InvariantCulture) },
                },
            };
            // DynamoDB refuses names an expression does not use.
            foreach (var (name, value) in new[] { ("#data", "data"), ("#content", "content"), ("#text", "text") })
            {
                if (request.ConditionExpression.Contains(name, StringComparison.Ordinal))
                {
                    request.ExpressionAttributeNames[name] = value;
                }
            }

            if (table.ExpiresAt() is { } expiry)
            {
                request.UpdateExpression += ", #expires = :expires";
                request.ExpressionAttributeNames["#expires"] = table.Options.TimeToLiveAttributeName;
                request.ExpressionAttributeValues[":expires"] = expiry;
            }

            try
            {
                var response = await table.Client.UpdateItemAsync(request, cancellationToken).ConfigureAwait(false);
                table.Consumed("UpdateItem", response.ConsumedCapacity);
                return true;
            }
            catch (ConditionalCheckFailedException)
            {
                return false;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Deletes the whole item, as LangChain's <c>clear()</c> does in both languages: deleting a session forgets
    /// everything stored under its id. The old item comes back in the same request, so entries ChatBedrock never
    /// showed (tool results, other types) are counted in a warning at no extra cost.
    /// </summary>
    public Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken) =>
        table.GuardAsync("DeleteItem", async () =>
        {
            var response = await table.Client.DeleteItemAsync(
                new DeleteItemRequest
                {
                    TableName = table.Name,
                    Key = table.Key(sessionId),
                    ReturnValues = ReturnValue.ALL_OLD,
                    ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
                },
                cancellationToken).ConfigureAwait(false);
            table.Consumed("DeleteItem", response.ConsumedCapacity);
            if (response.Attributes is { } item && HistoryOf(item) is { } history && LangChainMessages.Unshown(history) is var unshown && unshown.Count > 0)
            {
                LogDeletedUnshown(table.Logger, table.Name, history.Count, unshown.Count, LangChainMessages.DescribeTypes(unshown));
            }
        }, cancellationToken);

    /// <summary>Where an entry keeps its text as a string: Python's <c>data.content</c>, else LangChain.js's <c>text</c>.</summary>
    private static (string Path, AttributeValue Value)? TextPath(AttributeValue entry, string index)
    {
        var map = entry.M!;
        if (map.TryGetValue("data", out var data) && data.M is { } fields && fields.TryGetValue("content", out var content) && content.S is not null)
        {
            return ($"#history[{index}].#data.#content", content);
        }

        return map.TryGetValue("text", out var text) && text.S is not null ? ($"#history[{index}].#text", text) : null;
    }

    private int HistoryNameSize => Encoding.UTF8.GetByteCount(HistoryName);

    private string HistoryName => table.Options.HistoryAttributeName;

    private List<AttributeValue>? HistoryOf(Dictionary<string, AttributeValue> item) =>
        item.TryGetValue(HistoryName, out var history) ? history.L : null;

    private int ExpirySize() => table.ExpiresAt() is { } expiry
        ? table.Options.TimeToLiveAttributeName.Length + ItemSize.Of(expiry)
        : 0;

    private UpdateItemRequest AppendRequest(SessionId sessionId, List<AttributeValue> entries)
    {
        var request = new UpdateItemRequest
        {
            TableName = table.Name,
            Key = table.Key(sessionId),
            UpdateExpression = AppendExpression,
            ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#history"] = HistoryName },
            ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
            {
                [":empty"] = new AttributeValue { L = [] },
                [":turn"] = new AttributeValue { L = entries },
            },
        };
        if (table.ExpiresAt() is { } expiry)
        {
            request.UpdateExpression += ", #expires = :expires";
            request.ExpressionAttributeNames["#expires"] = table.Options.TimeToLiveAttributeName;
            request.ExpressionAttributeValues[":expires"] = expiry;
        }

        return request;
    }

    private async Task<List<AttributeValue>> ReadHistoryAsync(SessionId sessionId, CancellationToken cancellationToken)
    {
        var response = await table.Client.GetItemAsync(
            new GetItemRequest
            {
                TableName = table.Name,
                Key = table.Key(sessionId),
                ConsistentRead = table.Options.ConsistentRead,
                ProjectionExpression = "#history",
                ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#history"] = HistoryName },
                ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
            },
            cancellationToken).ConfigureAwait(false);
        table.Consumed("GetItem", response.ConsumedCapacity);
        return response.Item is { } item && HistoryOf(item) is { } list ? list : [];
    }

    /// <summary>
    /// Drops the oldest messages that are not system messages, ending before a human message so only whole
    /// turns go, until the item and the new turn fit in <see cref="TrimTarget"/>. A turn goes with every entry
    /// in it, shown or not: a tool result kept without the call that asked for it is a history no model
    /// accepts. Each REMOVE is conditional on the list's length being the one read, so a concurrent append or
    /// drop makes it retry instead of removing the wrong entries; appends are never overwritten.
    /// </summary>
    private async Task MakeRoomAsync(SessionId sessionId, int turnSize, CancellationToken cancellationToken)
    {
        var response = await table.Client.GetItemAsync(
            new GetItemRequest { TableName = table.Name, Key = table.Key(sessionId), ConsistentRead = true, ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL },
            cancellationToken).ConfigureAwait(false);
        table.Consumed("GetItem", response.ConsumedCapacity);
        if (response.Item is not { } item || HistoryOf(item) is not { } history)
        {
            return; // Deleted meanwhile: the append will now fit.
        }

        var sizeBefore = ItemSize.Of(item);
        var excess = sizeBefore + turnSize - TrimTarget;
        var doomed = new List<int>();
        var freed = 0;
        for (var i = 0; i < history.Count && (freed < excess || !StartsTurn(history[i])); i++)
        {
            if (LangChainMessages.TypeOf(history[i]) != LangChainMessages.SystemType)
            {
                doomed.Add(i);
                freed += ItemSize.Of(history[i], asListElement: true);
            }
        }

        if (sizeBefore - freed + turnSize > ItemSize.Limit)
        {
            throw table.TurnTooLarge(); // The system messages and this turn alone are too large.
        }

        // Oldest chunk first, so a trim cut short (a concurrent append, a crash) has only removed a prefix of
        // the history, never a run from its middle. Every later doomed index is above every removed one, so
        // each shifts down by the number removed so far.
        var count = history.Count;
        for (var start = 0; start < doomed.Count; start += MaxRemovalsPerRequest)
        {
            var removedSoFar = start;
            var chunk = doomed.GetRange(start, Math.Min(MaxRemovalsPerRequest, doomed.Count - start)).ConvertAll(i => i - removedSoFar);
            try
            {
                var removed = await table.Client.UpdateItemAsync(RemoveRequest(sessionId, chunk, count), cancellationToken).ConfigureAwait(false);
                table.Consumed("UpdateItem", removed.ConsumedCapacity);
            }
            catch (ConditionalCheckFailedException)
            {
                return; // Someone else changed the list; the caller appends again and, if still too large, looks again.
            }

            count -= chunk.Count;
        }

        var unshown = LangChainMessages.Unshown(doomed.Select(i => history[i]));
        LogTrimmed(table.Logger, sessionId.LogHandle, doomed.Count, sizeBefore, sizeBefore - freed, unshown.Count, unshown.Count == 0 ? "none" : LangChainMessages.DescribeTypes(unshown));
    }

    private static bool StartsTurn(AttributeValue entry) =>
        LangChainMessages.TypeOf(entry) is LangChainMessages.HumanType or LangChainMessages.SystemType;

    private UpdateItemRequest RemoveRequest(SessionId sessionId, List<int> indexes, int expectedCount) => new()
    {
        TableName = table.Name,
        Key = table.Key(sessionId),
        // Highest index first: DynamoDB removes the listed positions of the list as it was, while some emulators
        // (dynalite) remove one after the other, shifting later positions; in this order both agree.
        UpdateExpression = "REMOVE " + string.Join(", ", indexes.OrderDescending().Select(i => string.Create(CultureInfo.InvariantCulture, $"#history[{i}]"))),
        ConditionExpression = "size(#history) = :count",
        ReturnConsumedCapacity = ReturnConsumedCapacity.TOTAL,
        ExpressionAttributeNames = new Dictionary<string, string>(StringComparer.Ordinal) { ["#history"] = HistoryName },
        ExpressionAttributeValues = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            [":count"] = new AttributeValue { N = expectedCount.ToString(CultureInfo.InvariantCulture) },
        },
    };

    [LoggerMessage(1, LogLevel.Warning, "Skipped a stored message of session {Session} in table {Table}: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string session, string table, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Session {Session} reached DynamoDB's 400 KB item limit: dropped its {Dropped} oldest messages ({Before} to about {After} bytes), {Unshown} of them of types ChatBedrock does not show ({UnshownTypes})")]
    private static partial void LogTrimmed(ILogger logger, string session, int dropped, int before, int after, int unshown, string unshownTypes);

    [LoggerMessage(6, LogLevel.Warning, "Deleted a session of {Stored} stored messages in table {Table}, {Unshown} of them of types ChatBedrock does not show ({UnshownTypes})")]
    private static partial void LogDeletedUnshown(ILogger logger, string table, int stored, int unshown, string unshownTypes);
}
