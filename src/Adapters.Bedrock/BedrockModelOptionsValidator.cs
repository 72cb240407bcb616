using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.Bedrock;

internal sealed partial class BedrockModelOptionsValidator : IValidateOptions<BedrockModelOptions>
{
    internal const int MaxStopSequences = 4;

    public ValidateOptionsResult Validate(string? name, BedrockModelOptions options)
    {
        var failures = new List<string>();
        Check(!string.IsNullOrWhiteSpace(options.ModelId) && !options.ModelId.Any(char.IsWhiteSpace),
            nameof(options.ModelId), "a model id, inference profile id or ARN without spaces", options.ModelId);
        Check(options.Region is null || RegionPattern().IsMatch(options.Region),
            nameof(options.Region), "an AWS region name such as us-west-2", options.Region);
        Check(options.Endpoint is null || BedrockEndpoints.TryParse(options.Endpoint, out _),
            nameof(options.Endpoint), "an absolute http or https URL", options.Endpoint);
        Check(options.ApiKey is null || options.ApiKey.Trim().Length > 0, nameof(options.ApiKey), "unset or not blank", "(blank)");
        Check(options.RequestTimeout >= TimeSpan.FromSeconds(1) && options.RequestTimeout <= TimeSpan.FromMinutes(15),
            nameof(options.RequestTimeout), "1 second to 15 minutes", options.RequestTimeout);
        Check(options.MaxRetries is >= 0 and <= 10, nameof(options.MaxRetries), "0 to 10", options.MaxRetries);
        Check(options.RetryBaseDelay >= TimeSpan.FromMilliseconds(1) && options.RetryBaseDelay <= TimeSpan.FromSeconds(30),
            nameof(options.RetryBaseDelay), "1 ms to 30 seconds", options.RetryBaseDelay);
        Check(options.MaxOutputTokens is >= 1 and <= 1_000_000, nameof(options.MaxOutputTokens), "1 to 1000000", options.MaxOutputTokens);
        Check(options.MaxTemperature is >= 0 and <= 1, nameof(options.MaxTemperature), "0 to 1", options.MaxTemperature);
        Check(options.TopP is null or (>= 0 and <= 1), nameof(options.TopP), "0 to 1", options.TopP);
        Check(options.StopSequences.Count <= MaxStopSequences && options.StopSequences.All(s => !string.IsNullOrEmpty(s)),
            nameof(options.StopSequences), $"at most {MaxStopSequences} non-empty sequences", options.StopSequences.Count);
        Check(options.AdditionalModelRequestFields is null || IsJsonObject(options.AdditionalModelRequestFields),
            nameof(options.AdditionalModelRequestFields), "a JSON object", options.AdditionalModelRequestFields);
        CheckPromptCache(options, Check);
        CheckRequestOptions(options, Check);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(bool ok, string setting, string expected, object? value)
        {
            if (!ok)
            {
                failures.Add($"{BedrockModelOptions.SectionName}:{setting} must be {expected} (was {value ?? "null"}).");
            }
        }
    }

    private static void CheckPromptCache(BedrockModelOptions options, Action<bool, string, string, object?> check)
    {
        check(Enum.IsDefined(options.PromptCache), nameof(options.PromptCache), "Auto, On or Off", options.PromptCache);
        check(options.PromptCacheModels.All(e => !string.IsNullOrWhiteSpace(e.Key) && e.Value is >= 1 and <= 1_000_000),
            nameof(options.PromptCacheModels), "model id prefixes, each with 1 to 1000000 minimum tokens per cache checkpoint",
            string.Join(", ", options.PromptCacheModels.Select(e => $"{e.Key}={e.Value}")));

        // Bedrock rejects every call carrying cache points for a model without prompt caching, so On with a model the
        // table does not know is refused now rather than failing each chat (Auto just sends no cache points).
        check(options.PromptCache != PromptCacheMode.On || string.IsNullOrWhiteSpace(options.ModelId)
                || PromptCacheTable.MinimumTokens(options.ModelId, options.PromptCacheModels) is not null,
            nameof(options.PromptCache),
            $"Auto or Off for model {options.ModelId}, which the prompt cache table does not list; if the model supports prompt caching, " +
            $"add it to {BedrockModelOptions.SectionName}:{nameof(options.PromptCacheModels)} with its minimum tokens per cache checkpoint",
            options.PromptCache);
    }

    // Patterns and values: Bedrock API reference, GuardrailConfiguration / GuardrailStreamConfiguration,
    // PerformanceConfiguration and ServiceTier.
    private static void CheckRequestOptions(BedrockModelOptions options, Action<bool, string, string, object?> check)
    {
        var guardrail = options.GuardrailIdentifier is not null || options.GuardrailVersion is not null;
        check(!guardrail || (options.GuardrailIdentifier is { } id && GuardrailIdPattern().IsMatch(id)),
            nameof(options.GuardrailIdentifier), "a guardrail id (lowercase letters and digits) or guardrail ARN, set with GuardrailVersion", options.GuardrailIdentifier);
        check(!guardrail || (options.GuardrailVersion is { } version && GuardrailVersionPattern().IsMatch(version)),
            nameof(options.GuardrailVersion), "a version number (1 to 99999999) or DRAFT, set with GuardrailIdentifier", options.GuardrailVersion);
        check(options.GuardrailTrace is null || (guardrail && options.GuardrailTrace is "enabled" or "disabled" or "enabled_full"),
            nameof(options.GuardrailTrace), "enabled, disabled or enabled_full, with a guardrail", options.GuardrailTrace);
        check(options.GuardrailStreamProcessingMode is null || (guardrail && options.GuardrailStreamProcessingMode is "sync" or "async"),
            nameof(options.GuardrailStreamProcessingMode), "sync or async, with a guardrail", options.GuardrailStreamProcessingMode);
        check(options.PerformanceLatency is null or "standard" or "optimized", nameof(options.PerformanceLatency), "standard or optimized", options.PerformanceLatency);
        check(options.ServiceTier is null or "priority" or "default" or "flex" or "reserved",
            nameof(options.ServiceTier), "priority, default, flex or reserved", options.ServiceTier);
    }

    internal static JsonElement? ParseAdditionalFields(string? json)
    {
        if (json is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static bool IsJsonObject(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex("^(([a-z0-9]+)|(arn:aws(-[^:]+)?:bedrock:[a-z0-9-]{1,20}:[0-9]{12}:guardrail/[a-z0-9]+))$")]
    private static partial Regex GuardrailIdPattern();

    [GeneratedRegex("^(([1-9][0-9]{0,7})|(DRAFT))$")]
    private static partial Regex GuardrailVersionPattern();
}
