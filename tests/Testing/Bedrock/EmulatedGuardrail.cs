using System.Text.Json;
using System.Text.RegularExpressions;

namespace ChatBedrock.Testing.Bedrock;

/// <summary>A guardrail the emulator knows: it intervenes when the evaluated text contains <see cref="TriggerWord"/>.</summary>
/// <param name="Identifier">The guardrail id requests must name.</param>
/// <param name="Version">The version requests must name (a number or DRAFT).</param>
/// <param name="TriggerWord">Blocked, case-insensitively, in the input (then the model is not asked) or in the answer.</param>
public sealed record BedrockEmulatorGuardrail(string Identifier, string Version, string TriggerWord)
{
    /// <summary>The answer when the input is blocked (the guardrail's "blocked input messaging").</summary>
    public string BlockedInputMessaging { get; init; } = "Sorry, the model cannot answer this question.";

    /// <summary>The answer when the model's answer is blocked.</summary>
    public string BlockedOutputsMessaging { get; init; } = "Sorry, the model cannot answer this question (output blocked).";
}

/// <summary>
/// <c>guardrailConfig</c> as Bedrock checks and applies it (API reference GuardrailConfiguration /
/// GuardrailStreamConfiguration; User Guide "Include a guardrail with the Converse API"): without
/// <c>guardContent</c> blocks every message is evaluated, with them only those blocks.
/// </summary>
internal static partial class EmulatedGuardrail
{
    public static string? Validate(JsonElement body, bool streaming, IReadOnlyList<BedrockEmulatorGuardrail> guardrails)
    {
        if (!body.TryGetProperty("guardrailConfig", out var config))
        {
            return null;
        }

        foreach (var property in config.EnumerateObject())
        {
            var allowed = property.Name is "guardrailIdentifier" or "guardrailVersion" or "trace" || (streaming && property.Name == "streamProcessingMode");
            if (!allowed)
            {
                return $"Malformed input request: extraneous key [{property.Name}] is not permitted.";
            }
        }

        var id = config.TryGetProperty("guardrailIdentifier", out var i) ? i.GetString() ?? "" : "";
        var version = config.TryGetProperty("guardrailVersion", out var v) ? v.GetString() ?? "" : "";
        if (!IdPattern().IsMatch(id) || !VersionPattern().IsMatch(version))
        {
            return "guardrailConfig: guardrailIdentifier and guardrailVersion are required and must be valid.";
        }

        if (config.TryGetProperty("trace", out var trace) && trace.GetString() is not ("enabled" or "disabled" or "enabled_full"))
        {
            return "guardrailConfig.trace must be one of enabled, disabled, enabled_full.";
        }

        if (config.TryGetProperty("streamProcessingMode", out var mode) && mode.GetString() is not ("sync" or "async"))
        {
            return "guardrailConfig.streamProcessingMode must be one of sync, async.";
        }

        return Find(body, guardrails) is null ? "The guardrail identifier or version provided in the request does not exist." : null;
    }

    public static BedrockEmulatorGuardrail? Find(JsonElement body, IReadOnlyList<BedrockEmulatorGuardrail> guardrails)
    {
        if (!body.TryGetProperty("guardrailConfig", out var config))
        {
            return null;
        }

        var id = config.GetProperty("guardrailIdentifier").GetString();
        var version = config.GetProperty("guardrailVersion").GetString();
        return guardrails.FirstOrDefault(g => (g.Identifier == id || id!.EndsWith("/" + g.Identifier, StringComparison.Ordinal)) && g.Version == version);
    }

    /// <summary>Whether the input the guardrail evaluates contains the trigger word.</summary>
    public static bool BlocksInput(JsonElement body, BedrockEmulatorGuardrail guardrail)
    {
        var blocks = body.GetProperty("messages").EnumerateArray().SelectMany(m => m.GetProperty("content").EnumerateArray()).ToList();
        var guarded = blocks.Where(b => b.TryGetProperty("guardContent", out _)).ToList();
        return (guarded.Count > 0 ? guarded : blocks).Any(b => Triggers(BedrockEmulator.BlockText(b), guardrail));
    }

    public static bool Triggers(string? text, BedrockEmulatorGuardrail guardrail) =>
        text is not null && text.Contains(guardrail.TriggerWord, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))$")]
    private static partial Regex IdPattern();

    [GeneratedRegex("^(([1-9][0-9]{0,7})|(DRAFT))$")]
    private static partial Regex VersionPattern();
}
