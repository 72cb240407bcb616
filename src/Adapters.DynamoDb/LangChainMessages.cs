using System.Text;
using Amazon.DynamoDBv2.Model;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// LangChain's stored message: <c>{type, data}</c> as written by <c>langchain_core.messages.message_to_dict</c>
/// (through boto3, so Python None is NULL, dicts are M, lists are L). Written with langchain-core 0.3's
/// field set; read tolerantly, since every LangChain version wrote a different one.
/// </summary>
internal static class LangChainMessages
{
    /// <summary>The item attribute holding the list of messages.</summary>
    public const string HistoryAttribute = "History";

    public const string HumanType = "human";
    public const string AiType = "ai";
    public const string SystemType = "system";

    private static readonly AttributeValue Null = new() { NULL = true };
    private static readonly AttributeValue False = new() { BOOL = false };

    /// <summary>A turn as the two list entries LangChain would append: HumanMessage then AIMessage.</summary>
    public static List<AttributeValue> Turn(ChatTurn turn) => [Human(turn.User.Content), Ai(turn.Assistant.Content)];

    /// <summary>A HumanMessage: content, additional_kwargs, response_metadata, type, name, id, example.</summary>
    public static AttributeValue Human(string content) => Entry(HumanType, BaseFields(content, HumanType));

    /// <summary>An AIMessage: the human fields plus tool_calls, invalid_tool_calls, usage_metadata.</summary>
    public static AttributeValue Ai(string content)
    {
        var data = BaseFields(content, AiType);
        data["tool_calls"] = new AttributeValue { L = [] };
        data["invalid_tool_calls"] = new AttributeValue { L = [] };
        data["usage_metadata"] = Null;
        return Entry(AiType, data);
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
    /// Reads one entry. Returns null, with the reason, for entries ChatBedrock cannot use: unknown types
    /// (tool, function, chat …) and entries without content.
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

        var content = entry.M!.TryGetValue("data", out var data) && data.M is { } fields && fields.TryGetValue("content", out var c) ? Text(c) : null;
        if (content is null)
        {
            skippedBecause = "it has no text content";
            return null;
        }

        skippedBecause = null;
        return new ChatMessage(role.Value, content);
    }

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
        },
    };
}
