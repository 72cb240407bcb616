using System.Text;
using Amazon.DynamoDBv2.Model;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// DynamoDB's item size rules (attribute names and strings in UTF-8 bytes, 3 bytes per list or map plus one
/// per element, 1 per NULL or BOOL, about one byte per two digits of a number), so the store can tell how
/// much history to drop before the 400 KB limit refuses a write. Slightly pessimistic, never low.
/// </summary>
internal static class ItemSize
{
    /// <summary>The most bytes DynamoDB accepts in one item.</summary>
    public const int Limit = 400 * 1024;

    public static int Of(IReadOnlyDictionary<string, AttributeValue> item)
    {
        var size = 0;
        foreach (var (name, value) in item)
        {
            size += Encoding.UTF8.GetByteCount(name) + Of(value);
        }

        return size;
    }

    /// <summary>The size of one value, or of one list element when <paramref name="asListElement"/> (one byte more).</summary>
    public static int Of(AttributeValue value, bool asListElement = false)
    {
        var size = asListElement ? 1 : 0;
        if (value.S is { } s)
        {
            return size + Encoding.UTF8.GetByteCount(s);
        }

        if (value.N is { } n)
        {
            return size + (n.Length / 2) + 2;
        }

        if (value.B is { } b)
        {
            return size + (int)b.Length;
        }

        if (value.L is { } list)
        {
            size += 3;
            foreach (var element in list)
            {
                size += Of(element, asListElement: true);
            }

            return size;
        }

        if (value.M is { } map)
        {
            return size + 3 + map.Count + Of(map);
        }

        if (value.SS is { } strings)
        {
            return size + strings.Sum(Encoding.UTF8.GetByteCount);
        }

        if (value.NS is { } numbers)
        {
            return size + numbers.Sum(x => (x.Length / 2) + 2);
        }

        if (value.BS is { } binaries)
        {
            return size + binaries.Sum(x => (int)x.Length);
        }

        return size + 1; // NULL or BOOL
    }
}
