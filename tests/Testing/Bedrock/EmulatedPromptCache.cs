using System.Text;
using System.Text.Json;

namespace ChatBedrock.Testing.Bedrock;

/// <summary>
/// The emulator's prompt cache, per the Bedrock User Guide ("Prompt caching for faster model inference"): cache
/// points are checked (type "default", ttl "5m" or "1h", at most 4, only for models that support caching);
/// the k-th checkpoint counts only when at least k × the model's minimum tokens precede it (tools → system →
/// messages, cumulative); a request reads the longest cached prefix that is still alive (a hit resets its
/// time to live) and writes the rest up to its last counting checkpoint. Tokens are the emulator's: words.
/// </summary>
internal sealed class EmulatedPromptCache
{
    private readonly Dictionary<string, DateTimeOffset> _entries = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly BedrockEmulatorOptions _options;

    public EmulatedPromptCache(BedrockEmulatorOptions options) => _options = options;

    /// <summary>Why Bedrock would reject the request's cache points, or null.</summary>
    public string? Validate(JsonElement body, string modelId)
    {
        var points = CachePoints(body).ToList();
        if (points.Count == 0)
        {
            return null;
        }

        if (MinimumTokens(modelId) is null)
        {
            return "You invoked an unsupported model or your request did not allow prompt caching. See the documentation for more information.";
        }

        foreach (var point in points)
        {
            if (point.ValueKind != JsonValueKind.Object || !point.TryGetProperty("type", out var type) || type.GetString() != "default"
                || point.EnumerateObject().Any(p => p.Name is not ("type" or "ttl"))
                || (point.TryGetProperty("ttl", out var ttl) && ttl.GetString() is not ("5m" or "1h")))
            {
                return "Malformed input request: cachePoint must be {\"type\":\"default\"} with an optional ttl of 5m or 1h.";
            }
        }

        return points.Count > 4
            ? $"The model returned the following errors: A maximum of 4 blocks with cache_control may be provided. Found {points.Count}."
            : null;
    }

    /// <summary>Accounts one accepted request: (read, written) tokens, or null when it has no cache points.</summary>
    public (int Read, int Written)? Account(JsonElement body, string modelId)
    {
        if (MinimumTokens(modelId) is not { } minimum || !CachePoints(body).Any())
        {
            return null;
        }

        // Walk the prompt in Bedrock's order, noting the prefix (and its tokens) at each checkpoint that counts.
        var prefix = new StringBuilder(modelId).Append('\n');
        var tokens = 0;
        var ordinal = 0;
        var checkpoints = new List<(string Key, int Tokens, TimeSpan Ttl)>();
        foreach (var (text, cachePoint) in Blocks(body))
        {
            if (cachePoint is { } point)
            {
                ordinal++;
                if (tokens >= minimum * ordinal)
                {
                    var ttl = point.TryGetProperty("ttl", out var t) && t.GetString() == "1h" ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(5);
                    checkpoints.Add((prefix.ToString(), tokens, ttl));
                }

                continue;
            }

            prefix.Append(text).Append('\u001f');
            tokens += BedrockEmulator.Words(text);
        }

        if (checkpoints.Count == 0)
        {
            return (0, 0);
        }

        var now = _options.Time.GetUtcNow();
        lock (_lock)
        {
            var read = 0;
            foreach (var checkpoint in checkpoints)
            {
                if (_entries.TryGetValue(checkpoint.Key, out var expires) && expires > now)
                {
                    read = checkpoint.Tokens;
                }
            }

            foreach (var checkpoint in checkpoints)
            {
                if (checkpoint.Tokens <= read || !_entries.TryGetValue(checkpoint.Key, out var expires) || expires <= now)
                {
                    _entries[checkpoint.Key] = now + checkpoint.Ttl; // written, or read and so kept alive
                }
            }

            return (read, checkpoints[^1].Tokens - read);
        }
    }

    /// <summary>The model's minimum tokens per checkpoint, or null when it has no prompt caching.</summary>
    private int? MinimumTokens(string modelId)
    {
        var id = modelId[(modelId.LastIndexOf('/') + 1)..];
        foreach (var geography in (string[])["us.", "us-gov.", "eu.", "apac.", "jp.", "au.", "ca.", "global."])
        {
            id = id.StartsWith(geography, StringComparison.Ordinal) ? id[geography.Length..] : id; // an inference profile
        }

        return _options.PromptCacheModels.Where(e => id.StartsWith(e.Key, StringComparison.Ordinal))
            .OrderByDescending(e => e.Key.Length).Select(e => (int?)e.Value).FirstOrDefault();
    }

    private static IEnumerable<JsonElement> CachePoints(JsonElement body) =>
        Blocks(body).Where(b => b.CachePoint is not null).Select(b => b.CachePoint!.Value);

    /// <summary>Text (plain or guarded) and cache point blocks of system, then messages, in order.</summary>
    private static IEnumerable<(string Text, JsonElement? CachePoint)> Blocks(JsonElement body)
    {
        var blocks = Enumerable.Empty<JsonElement>();
        if (body.TryGetProperty("system", out var system))
        {
            blocks = blocks.Concat(system.EnumerateArray());
        }

        blocks = blocks.Concat(body.GetProperty("messages").EnumerateArray().SelectMany(m => m.GetProperty("content").EnumerateArray()));
        foreach (var block in blocks)
        {
            if (block.TryGetProperty("cachePoint", out var point))
            {
                yield return ("", point);
            }
            else
            {
                yield return (BedrockEmulator.BlockText(block) ?? "", null);
            }
        }
    }
}
