using System.Globalization;
using System.Text;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// LangChain's stored messages, in both languages' formats. Python LangChain stores <c>{type, data}</c> as
/// <c>langchain_core.messages.message_to_dict</c> makes it (through boto3, so None is NULL, dicts are M, lists
/// are L) and reads only those two fields. LangChain.js (<c>@langchain/community</c>) stores
/// <c>{type, text, additional_kwargs (JSON text), role?}</c> and throws on a map entry without <c>type</c> or
/// <c>text</c>. So every entry written here is Python's (langchain-core 0.3's field set) plus LangChain.js's
/// <c>text</c> and <c>additional_kwargs</c>, which Python ignores: both read it. Reading accepts either format
/// and every field set LangChain versions have written. See ADRs 0011 and 0013.
/// </summary>
internal static class LangChainMessages
{
    public const string HumanType = "human";
    public const string AiType = "ai";
    public const string SystemType = "system";

    /// <summary>
    /// ChatBedrock's own field on a human entry: the turn's idempotency key. Beside <c>type</c> and <c>data</c>
    /// (all Python reads) and <c>text</c>/<c>additional_kwargs</c>/<c>role</c> (all LangChain.js reads), so
    /// both ignore it; never inside <c>additional_kwargs</c>, which LangChain passes on to models.
    /// </summary>
    public const string RequestIdField = "chatbedrock_request_id";

    private static readonly AttributeValue Null = new() { NULL = true };
    private static readonly AttributeValue False = new() { BOOL = false };

    /// <summary>A turn as the two list entries LangChain would append: HumanMessage then AIMessage.</summary>
    public static List<AttributeValue> Turn(ChatTurn turn)
    {
        var human = Human(turn.User.Content);
        if (turn.User.RequestId is { } requestId)
        {
            human.M[RequestIdField] = new AttributeValue { S = requestId };
        }

        return [human, Ai(turn.Assistant.Content, turn.Assistant.Usage, turn.Assistant.Interrupted)];
    }

    /// <summary>
    /// Where an answer cut short by the client is marked: <c>data.response_metadata.stop_reason</c>, a map both
    /// LangChains carry through unread (Python keeps it as the message's metadata; LangChain.js reads <c>text</c>).
    /// </summary>
    public const string StopReasonField = "stop_reason";

    /// <summary>The value of <see cref="StopReasonField"/> on an interrupted answer.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>A HumanMessage: content, additional_kwargs, response_metadata, type, name, id, example.</summary>
    public static AttributeValue Human(string content) => Entry(HumanType, BaseFields(content, HumanType));

    /// <summary>
    /// An AIMessage: the human fields plus tool_calls, invalid_tool_calls, usage_metadata. With a known usage,
    /// <c>usage_metadata</c> is LangChain's <c>UsageMetadata</c> (input_tokens counting the whole prompt, as
    /// LangChain's Bedrock models do, with the cache's share in input_token_details) and
    /// <c>response_metadata</c> names the model as both langchain-aws chat models do (<c>model_id</c>,
    /// <c>model_name</c>); otherwise None, as LangChain writes it. An interrupted answer also carries
    /// <see cref="StopReasonField"/> in the same <c>response_metadata</c>.
    /// </summary>
    public static AttributeValue Ai(string content, MessageUsage? usage = null, bool interrupted = false)
    {
        var data = BaseFields(content, AiType);
        if (interrupted)
        {
            data["response_metadata"].M[StopReasonField] = new AttributeValue { S = Interrupted };
        }

        data["tool_calls"] = new AttributeValue { L = [] };
        data["invalid_tool_calls"] = new AttributeValue { L = [] };
        data["usage_metadata"] = usage is null ? Null : UsageMetadata(usage);
        if (usage?.ModelId is { } model)
        {
            // Added to the same map as the stop reason: neither may replace the other.
            data["response_metadata"].M["model_id"] = new AttributeValue { S = model };
            data["response_metadata"].M["model_name"] = new AttributeValue { S = model };
        }

        return Entry(AiType, data);
    }

    /// <summary>The usage LangChain stored with an AIMessage (ours or a LangChain app's), or null when it has none.</summary>
    public static MessageUsage? ReadUsage(Dictionary<string, AttributeValue> data)
    {
        if (!data.TryGetValue("usage_metadata", out var metadata) || metadata.M is not { } usage || !usage.ContainsKey("input_tokens"))
        {
            return null;
        }

        var details = usage.TryGetValue("input_token_details", out var d) && d.M is { } map ? map : [];
        var cacheRead = UsageAttributes.Int(details, "cache_read");
        var cacheWrite = UsageAttributes.Int(details, "cache_creation");
        var response = data.TryGetValue("response_metadata", out var r) && r.M is { } m ? m : [];
        var model = UsageAttributes.Text(response, "model_id") ?? UsageAttributes.Text(response, "model_name");
        return new MessageUsage(
            Math.Max(0, UsageAttributes.Int(usage, "input_tokens") - cacheRead - cacheWrite), UsageAttributes.Int(usage, "output_tokens"), cacheRead, cacheWrite, model);
    }

    private static AttributeValue UsageMetadata(MessageUsage usage)
    {
        var prompt = usage.InputTokens + usage.CacheReadTokens + usage.CacheWriteTokens;
        return new AttributeValue
        {
            M = new(StringComparer.Ordinal)
            {
                ["input_tokens"] = UsageAttributes.Number(prompt),
                ["output_tokens"] = UsageAttributes.Number(usage.OutputTokens),
                ["total_tokens"] = UsageAttributes.Number(prompt + usage.OutputTokens),
                ["input_token_details"] = new AttributeValue
                {
                    M = new(StringComparer.Ordinal)
                    {
                        ["cache_read"] = UsageAttributes.Number(usage.CacheReadTokens),
                        ["cache_creation"] = UsageAttributes.Number(usage.CacheWriteTokens),
                    },
                },
            },
        };
    }

    /// <summary>The stored type of an entry (<c>type</c>, else <c>data.type</c>), or null when it has none.</summary>
    public static string? TypeOf(AttributeValue entry)
    {
        if (entry.M is not { } map)
        {
            return null;
        }

        if (map.TryGetValue("type", out var type) && type.S is { } s)
        {
            return s;
        }

        return map.TryGetValue("data", out var data) && data.M is { } fields && fields.TryGetValue("type", out var inner) ? inner.S : null;
    }

    /// <summary>
    /// Reads one entry, Python's (<c>data.content</c>) or LangChain.js's (<c>text</c>). Returns null, with the
    /// reason, for entries ChatBedrock cannot use: other types (tool, function, chat, generic …) and entries
    /// without content.
    /// </summary>
    public static ChatMessage? Read(AttributeValue entry, out string? skippedBecause)
    {
        var type = TypeOf(entry);
        ChatRole? role = type switch
        {
            HumanType or "HumanMessageChunk" => ChatRole.User,
            AiType or "AIMessageChunk" => ChatRole.Assistant,
            SystemType or "SystemMessageChunk" => ChatRole.System,
            _ => null,
        };
        if (role is null)
        {
            skippedBecause = type is null ? "it has no type" : $"its type '{type}' is not human, ai or system";
            return null;
        }

        var map = entry.M!;
        var content = map.TryGetValue("data", out var data) && data.M is { } fields && fields.TryGetValue("content", out var c)
            ? Text(c)
            : map.TryGetValue("text", out var text) ? text.S : null;
        if (content is null)
        {
            skippedBecause = "it has no text content";
            return null;
        }

        skippedBecause = null;
        var usage = role == ChatRole.Assistant && data?.M is { } dataFields ? ReadUsage(dataFields) : null;
        var interrupted = role == ChatRole.Assistant && data?.M is { } d && d.TryGetValue("response_metadata", out var metadata)
            && metadata.M is { } m && m.TryGetValue(StopReasonField, out var reason) && reason.S == Interrupted;
        return new ChatMessage(role.Value, content)
        {
            Usage = usage,
            Interrupted = interrupted,
            RequestId = role == ChatRole.User && map.TryGetValue(RequestIdField, out var key) ? key.S : null,
        };
    }

    /// <summary>The entries ChatBedrock does not show (see <see cref="Read"/>).</summary>
    public static List<AttributeValue> Unshown(IEnumerable<AttributeValue> entries) =>
        [.. entries.Where(e => Read(e, out _) is null)];

    /// <summary>"tool ×2, generic": the entries' types only, for a log line; their contents never reach the log.</summary>
    public static string DescribeTypes(IEnumerable<AttributeValue> entries) => string.Join(
        ", ",
        entries.GroupBy(e => TypeOf(e) ?? "untyped", StringComparer.Ordinal)
            .Select(g => g.Count() == 1 ? g.Key : string.Create(CultureInfo.InvariantCulture, $"{g.Key} ×{g.Count()}")));

    /// <summary>Content is a string, or a list of strings and content blocks of which the text blocks count.</summary>
    private static string? Text(AttributeValue content)
    {
        if (content.S is { } s)
        {
            return s;
        }

        if (content.L is not { } blocks)
        {
            return null;
        }

        var text = new StringBuilder();
        foreach (var block in blocks)
        {
            if (block.S is { } part)
            {
                text.Append(part);
            }
            else if (block.M is { } map && map.TryGetValue("type", out var kind) && kind.S == "text" && map.TryGetValue("text", out var t) && t.S is { } blockText)
            {
                text.Append(blockText);
            }
        }

        return text.ToString();
    }

    private static Dictionary<string, AttributeValue> BaseFields(string content, string type) => new(StringComparer.Ordinal)
    {
        ["content"] = new AttributeValue { S = content },
        ["additional_kwargs"] = new AttributeValue { M = [] },
        ["response_metadata"] = new AttributeValue { M = [] },
        ["type"] = new AttributeValue { S = type },
        ["name"] = Null,
        ["id"] = Null,
        ["example"] = False,
    };

    private static AttributeValue Entry(string type, Dictionary<string, AttributeValue> data) => new()
    {
        M = new Dictionary<string, AttributeValue>(StringComparer.Ordinal)
        {
            ["type"] = new AttributeValue { S = type },
            ["data"] = new AttributeValue { M = data },

            // LangChain.js's fields, exactly as it writes them for a message without additional kwargs.
            ["text"] = new AttributeValue { S = data["content"].S },
            ["additional_kwargs"] = new AttributeValue { S = "{}" },
        },
    };
}
