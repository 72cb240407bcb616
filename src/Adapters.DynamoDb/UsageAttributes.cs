using System.Globalization;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// Usage and summaries as DynamoDB attributes. The turns layout keeps an answer's usage in a <c>Usage</c> map
/// on its turn item; both layouts keep the summary memory in a <c>Summary</c> map: on the session's item
/// (LangChain layout, where LangChain ignores it) or on its counter item (turns layout), so deleting the
/// session deletes it. LangChain's own usage fields are in <see cref="LangChainMessages"/>.
/// </summary>
internal static class UsageAttributes
{
    public const string UsageAttribute = "Usage";
    public const string SummaryAttribute = "Summary";

    public static AttributeValue ToMap(MessageUsage usage)
    {
        var map = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            ["InputTokens"] = Number(usage.InputTokens),
            ["OutputTokens"] = Number(usage.OutputTokens),
            ["CacheReadTokens"] = Number(usage.CacheReadTokens),
            ["CacheWriteTokens"] = Number(usage.CacheWriteTokens),
        };
        if (usage.ModelId is { } model)
        {
            map["ModelId"] = new AttributeValue { S = model };
        }

        return new AttributeValue { M = map };
    }

    public static MessageUsage? FromMap(AttributeValue? value) =>
        value?.M is { } map && map.ContainsKey("InputTokens")
            ? new MessageUsage(Int(map, "InputTokens"), Int(map, "OutputTokens"), Int(map, "CacheReadTokens"), Int(map, "CacheWriteTokens"), Text(map, "ModelId"))
            : null;

    public static AttributeValue SummaryToMap(ConversationSummary summary)
    {
        var map = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            ["Text"] = new AttributeValue { S = summary.Text },
            ["CoveredMessages"] = Number(summary.CoveredMessages),
        };
        if (summary.UpdatedAt is { } at)
        {
            map["UpdatedAt"] = new AttributeValue { S = at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) };
        }

        if (summary.Usage is { } usage)
        {
            map[UsageAttribute] = ToMap(usage);
        }

        return new AttributeValue { M = map };
    }

    public static ConversationSummary? SummaryFromMap(AttributeValue? value)
    {
        if (value?.M is not { } map || Text(map, "Text") is not { } text)
        {
            return null;
        }

        DateTimeOffset? at = Text(map, "UpdatedAt") is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var parsed) ? parsed : null;
        return new ConversationSummary(text, Int(map, "CoveredMessages"), FromMap(map.GetValueOrDefault(UsageAttribute)), at);
    }

    public static AttributeValue Number(long value) => new() { N = value.ToString(CultureInfo.InvariantCulture) };

    public static int Int(Dictionary<string, AttributeValue> map, string name) =>
        map.TryGetValue(name, out var value) && int.TryParse(value.N, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : 0;

    public static string? Text(Dictionary<string, AttributeValue> map, string name) => map.TryGetValue(name, out var value) ? value.S : null;
}
