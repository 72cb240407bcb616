using System.IO.Hashing;
using System.Text;
using System.Text.Json;

namespace ChatBedrock.Testing.Bedrock;

/// <summary>
/// The emulator's prompt cache, per the Bedrock User Guide ("Prompt caching for faster model inference"): cache
/// points are checked (type "default", ttl "5m" or "1h", at most 4, only for models that support caching);
/// the k-th checkpoint counts only when at least k × the model's minimum tokens precede it (tools → system →
/// messages, cumulative); a request reads the longest cached prefix that is still alive, looking back about 20
/// blocks from each checkpoint (a hit resets its time to live), and writes the rest up to its last counting
/// checkpoint. Tokens are the emulator's: words.
/// </summary>
internal sealed class EmulatedPromptCache
{
    private const int LookBackBlocks = 20;

    private readonly Dictionary<ulong, DateTimeOffset> _entries = [];
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

        // Walk the prompt in Bedrock's order, keeping a running hash of the prefix at every block boundary and
        // noting the checkpoints that count.
        var hash = new XxHash64();
        hash.Append(Encoding.UTF8.GetBytes(modelId));
        var boundaries = new List<(ulong Key, int Tokens)>();
        var tokens = 0;
        var ordinal = 0;
        var checkpoints = new List<(int Boundary, TimeSpan Ttl)>();
        foreach (var (text, cachePoint) in Blocks(body))
        {
            if (cachePoint is { } point)
            {
                ordinal++;
                if (boundaries.Count > 0 && tokens >= minimum * ordinal)
                {
                    var ttl = point.TryGetProperty("ttl", out var t) && t.GetString() == "1h" ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(5);
                    checkpoints.Add((boundaries.Count - 1, ttl));
                }

                continue;
            }

            hash.Append(Encoding.UTF8.GetBytes(text + "\u001f"));
            tokens += BedrockEmulator.Words(text);
            boundaries.Add((hash.GetCurrentHashAsUInt64(), tokens));
        }

        if (checkpoints.Count == 0)
        {
            return (0, 0);
        }

        var now = _options.Time.GetUtcNow();
        lock (_lock)
        {
            // The longest live prefix ending at a checkpoint or, as Bedrock's simplified cache management for Claude
            // does, at one of the ~20 block boundaries before a checkpoint.
            var hit = -1;
            foreach (var (boundary, _) in checkpoints)
            {
                for (var b = boundary; b >= Math.Max(0, boundary - LookBackBlocks) && b > hit; b--)
                {
                    if (_entries.TryGetValue(boundaries[b].Key, out var expires) && expires > now)
                    {
                        hit = b;
                        break;
                    }
                }
            }

            var read = hit < 0 ? 0 : boundaries[hit].Tokens;
            if (hit >= 0)
            {
                _entries[boundaries[hit].Key] = now + TimeSpan.FromMinutes(5); // a hit resets the lifetime
            }

            foreach (var (boundary, ttl) in checkpoints.Where(c => c.Boundary > hit))
            {
                _entries[boundaries[boundary].Key] = now + ttl;
            }

            return (read, Math.Max(0, boundaries[checkpoints[^1].Boundary].Tokens - read));
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
