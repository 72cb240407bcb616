using System.Globalization;
using ChatBedrock.Domain;

namespace ChatBedrock.Application;

/// <summary>What one model's tokens cost, per 1,000 tokens of each kind, in the price table's currency.</summary>
public sealed record ModelPrice(decimal Input, decimal Output, decimal CacheRead, decimal CacheWrite)
{
    /// <summary>The cost of <paramref name="usage"/> at these prices.</summary>
    public decimal CostOf(MessageUsage usage)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return ((usage.InputTokens * Input) + (usage.OutputTokens * Output) + (usage.CacheReadTokens * CacheRead) + (usage.CacheWriteTokens * CacheWrite)) / 1000m;
    }
}

/// <summary>
/// The price table (<see cref="ConversationOptions.Prices"/>): model id patterns and their prices. A model id
/// is priced by the longest pattern it contains, so <c>claude-3-haiku</c> prices both
/// <c>anthropic.claude-3-haiku-20240307-v1:0</c> and its inference profile <c>us.anthropic.claude-3-haiku-…</c>.
/// </summary>
public sealed class UsagePrices
{
    private readonly IReadOnlyList<(string Pattern, ModelPrice Price)> _entries;

    private UsagePrices(IReadOnlyList<(string Pattern, ModelPrice Price)> entries) => _entries = entries;

    /// <summary>The empty table: nothing is priced.</summary>
    public static UsagePrices None { get; } = new([]);

    /// <summary>Whether the table has any entry.</summary>
    public bool IsEmpty => _entries.Count == 0;

    /// <summary>The price of <paramref name="modelId"/>, or null when no pattern matches it.</summary>
    public ModelPrice? Find(string? modelId)
    {
        ModelPrice? found = null;
        var length = 0;
        foreach (var (pattern, price) in _entries)
        {
            if (modelId is not null && pattern.Length > length && modelId.Contains(pattern, StringComparison.OrdinalIgnoreCase))
            {
                (found, length) = (price, pattern.Length);
            }
        }

        return found;
    }

    /// <summary>Reads <c>pattern=input/output[/cache read[/cache write]]</c> entries, comma-separated; blank is the empty table.</summary>
    public static bool TryParse(string? text, out UsagePrices prices, out string? problem)
    {
        prices = None;
        problem = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var entries = new List<(string, ModelPrice)>();
        foreach (var entry in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            var numbers = parts.Length == 2 ? parts[1].Split('/', StringSplitOptions.TrimEntries) : [];
            var values = new decimal[numbers.Length];
            var ok = parts.Length == 2 && parts[0].Length > 0 && numbers.Length is >= 2 and <= 4;
            for (var i = 0; ok && i < numbers.Length; i++)
            {
                ok = decimal.TryParse(numbers[i], NumberStyles.Number, CultureInfo.InvariantCulture, out values[i]) && values[i] >= 0;
            }

            if (!ok)
            {
                problem = $"must be comma-separated model-id-pattern=input/output[/cache-read[/cache-write]] prices per 1,000 tokens (was '{entry}').";
                return false;
            }

            entries.Add((parts[0], new ModelPrice(values[0], values[1], numbers.Length > 2 ? values[2] : values[0], numbers.Length > 3 ? values[3] : values[0])));
        }

        prices = new UsagePrices(entries);
        return true;
    }

    /// <summary>Reads a table already validated at start (<see cref="ConversationOptions"/>).</summary>
    public static UsagePrices Parse(string? text) =>
        TryParse(text, out var prices, out var problem) ? prices : throw new FormatException(problem);
}
