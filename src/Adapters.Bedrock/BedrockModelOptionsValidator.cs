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
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(bool ok, string setting, string expected, object? value)
        {
            if (!ok)
            {
                failures.Add($"{BedrockModelOptions.SectionName}:{setting} must be {expected} (was {value ?? "null"}).");
            }
        }
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
}
