using System.Text.Json.Nodes;
using Amazon.DynamoDBv2.Model;

namespace ChatBedrock.Adapters.DynamoDb.Tests;

/// <summary>DynamoDB's JSON form of items (as <c>aws dynamodb get-item</c> prints it), to write fixtures and compare raw items.</summary>
internal static class DynamoDbJson
{
    public static Dictionary<string, AttributeValue> ReadItemFile(string name) =>
        Item(JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "LangChainItems", name)))!.AsObject());

    public static Dictionary<string, AttributeValue> Item(JsonObject json) =>
        json.ToDictionary(p => p.Key, p => Value(p.Value!.AsObject()), StringComparer.Ordinal);

    public static AttributeValue Value(JsonObject json)
    {
        var (type, value) = json.Single();
        return type switch
        {
            "S" => new AttributeValue { S = value!.GetValue<string>() },
            "N" => new AttributeValue { N = value!.GetValue<string>() },
            "BOOL" => new AttributeValue { BOOL = value!.GetValue<bool>() },
            "NULL" => new AttributeValue { NULL = true },
            "L" => new AttributeValue { L = [.. value!.AsArray().Select(e => Value(e!.AsObject()))] },
            "M" => new AttributeValue { M = Item(value!.AsObject()) },
            _ => throw new NotSupportedException($"Attribute type {type} is not used by these fixtures."),
        };
    }

    /// <summary>A canonical text of a value: keys sorted, so two values compare by their text.</summary>
    public static string Text(AttributeValue value) => Node(value).ToJsonString();

    public static string Text(IReadOnlyDictionary<string, AttributeValue> item) =>
        new JsonObject(item.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, (JsonNode?)Node(p.Value)))).ToJsonString();

    private static JsonObject Node(AttributeValue value)
    {
        if (value.S is { } s)
        {
            return new JsonObject { ["S"] = s };
        }

        if (value.N is { } n)
        {
            return new JsonObject { ["N"] = n };
        }

        if (value.BOOL is { } b)
        {
            return new JsonObject { ["BOOL"] = b };
        }

        if (value.L is { } list)
        {
            return new JsonObject { ["L"] = new JsonArray([.. list.Select(e => (JsonNode)Node(e))]) };
        }

        if (value.M is { } map)
        {
            return new JsonObject { ["M"] = JsonNode.Parse(Text(map)) };
        }

        return value.NULL == true ? new JsonObject { ["NULL"] = true } : throw new NotSupportedException("Binary and set attributes are not used by these fixtures.");
    }
}
