using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>Checks <see cref="DynamoDbStoreOptions"/> at start-up; each message names the setting.</summary>
internal sealed partial class DynamoDbStoreOptionsValidator : IValidateOptions<DynamoDbStoreOptions>
{
    private const int MaxAttributeNameLength = 255;

    // The attributes of a turn in the Turns layout.
    private static readonly string[] ReservedNames =
    [
        TurnsConversationRepository.UserAttribute,
        TurnsConversationRepository.AssistantAttribute,
        TurnsConversationRepository.UserAtAttribute,
        TurnsConversationRepository.AssistantAtAttribute,
    ];

    public ValidateOptionsResult Validate(string? name, DynamoDbStoreOptions options)
    {
        var failures = new List<string>();

        if (options.TableName is null || !TableNamePattern().IsMatch(options.TableName))
        {
            Fail(nameof(options.TableName), "must be 3 to 255 characters of a-z, A-Z, 0-9, '_', '-', '.'", options.TableName);
        }

        if (!Enum.IsDefined(options.Layout))
        {
            Fail(nameof(options.Layout), "must be LangChain or Turns", options.Layout);
        }

        CheckAttributeName(nameof(options.PartitionKeyName), options.PartitionKeyName);
        CheckAttributeName(nameof(options.HistoryAttributeName), options.HistoryAttributeName, reservable: false);
        CheckAttributeName(nameof(options.SortKeyName), options.SortKeyName);
        CheckAttributeName(nameof(options.TimeToLiveAttributeName), options.TimeToLiveAttributeName);

        // The history attribute comes first, so a clash with it names the other setting, as before it was a setting.
        var taken = new[]
        {
            (Setting: nameof(options.HistoryAttributeName), Value: options.HistoryAttributeName),
            (Setting: nameof(options.PartitionKeyName), Value: options.PartitionKeyName),
            (Setting: nameof(options.SortKeyName), Value: options.SortKeyName),
            (Setting: nameof(options.TimeToLiveAttributeName), Value: options.TimeToLiveAttributeName),
        };
        for (var i = 1; i < taken.Length; i++)
        {
            for (var j = 0; j < i; j++)
            {
                if (taken[i].Value is not null && string.Equals(taken[i].Value, taken[j].Value, StringComparison.Ordinal))
                {
                    Fail(taken[i].Setting, $"must differ from {DynamoDbStoreOptions.SectionName}:{taken[j].Setting}", taken[i].Value);
                }
            }
        }

        if (options.TimeToLive is { } ttl && (ttl < TimeSpan.FromMinutes(1) || ttl > TimeSpan.FromDays(36_500)))
        {
            Fail(nameof(options.TimeToLive), "must be unset or from 1 minute to 36500 days", ttl);
        }

        // The endpoint in effect may come from the environment: report a bad one by its variable now, not at first use.
        var (endpointSource, endpoint) = options.ServiceUrl is not null
            ? ($"{DynamoDbStoreOptions.SectionName}:{nameof(options.ServiceUrl)}", options.ServiceUrl)
            : DynamoDbClientLease.EndpointVariables
                .Select(name => (name, Environment.GetEnvironmentVariable(name)))
                .FirstOrDefault(source => !string.IsNullOrWhiteSpace(source.Item2));
        if (endpoint is not null
            && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add($"{endpointSource} must be unset or an absolute http or https URL (was '{endpoint}').");
        }

        if (options.Region is not null && !RegionPattern().IsMatch(options.Region))
        {
            Fail(nameof(options.Region), "must be unset or a region name such as ap-northeast-1", options.Region);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void CheckAttributeName(string setting, string? value, bool reservable = true)
        {
            if (string.IsNullOrEmpty(value) || value.Length > MaxAttributeNameLength)
            {
                Fail(setting, "must be 1 to 255 characters", value);
            }
            else if (reservable && ReservedNames.Contains(value))
            {
                Fail(setting, $"must not be one of {string.Join(", ", ReservedNames)}, which hold the messages", value);
            }
        }

        void Fail(string setting, string rule, object? value) =>
            failures.Add($"{DynamoDbStoreOptions.SectionName}:{setting} {rule} (was '{value}').");
    }

    [GeneratedRegex("^[a-zA-Z0-9_.-]{3,255}$")]
    private static partial Regex TableNamePattern();

    [GeneratedRegex("^[a-z]{2}(-[a-z]+)+-[0-9]+$")]
    private static partial Regex RegionPattern();
}
