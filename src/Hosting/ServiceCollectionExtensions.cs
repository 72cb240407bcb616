using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Adapters.DynamoDb;
using ChatBedrock.Application;
using ChatBedrock.Hosting;
using ChatBedrock.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers a whole ChatBedrock service from its <c>CHAT_*</c> settings.</summary>
public static class ChatBedrockHostingServiceCollectionExtensions
{
    // Which variable sets which option, so a value that parses but is out of range is reported by its variable.
    private static readonly (Type Options, string Setting, string Variable)[] Sources =
    [
        (typeof(ConversationOptions), nameof(ConversationOptions.MaxTokens), "CHAT_MAX_TOKENS"),
        (typeof(ConversationOptions), nameof(ConversationOptions.Temperature), "CHAT_TEMPERATURE"),
        (typeof(ConversationOptions), nameof(ConversationOptions.MaxInputLength), "CHAT_MAX_INPUT_CHARS"),
        (typeof(ConversationOptions), nameof(ConversationOptions.SystemPrompt), "CHAT_SYSTEM_PROMPT"),
        (typeof(ConversationOptions), nameof(ConversationOptions.SummaryInstruction), "CHAT_SUMMARY_INSTRUCTION"),
        (typeof(ConversationOptions), nameof(ConversationOptions.SummaryMaxTokens), "CHAT_SUMMARY_MAX_TOKENS"),
        (typeof(ConversationOptions), nameof(ConversationOptions.Prices), "CHAT_PRICES"),
        (typeof(ChatHttpOptions), nameof(ChatHttpOptions.AllowedOrigins), "CHAT_CORS_ALLOWED_ORIGINS"),
        (typeof(ChatHttpOptions), nameof(ChatHttpOptions.TrustedOrigins), "CHAT_TRUSTED_ORIGINS"),
        (typeof(DynamoDbStoreOptions), nameof(DynamoDbStoreOptions.TableName), "CHAT_TABLE_NAME"),
        (typeof(DynamoDbStoreOptions), nameof(DynamoDbStoreOptions.TimeToLive), "CHAT_STORE_TTL_SECONDS"),
        (typeof(DynamoDbStoreOptions), nameof(DynamoDbStoreOptions.ServiceUrl), "AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.Endpoint), "AWS_ENDPOINT_URL_BEDROCK_RUNTIME or AWS_ENDPOINT_URL"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.ModelId), "CHAT_MODEL_ID"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.Region), "CHAT_MODEL_REGION"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.PromptCacheModels), "CHAT_PROMPT_CACHE_MODELS"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.PromptCache), "CHAT_PROMPT_CACHE"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.GuardrailIdentifier), "CHAT_GUARDRAIL_ID"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.GuardrailVersion), "CHAT_GUARDRAIL_VERSION"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.GuardrailTrace), "CHAT_GUARDRAIL_TRACE"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.GuardrailStreamProcessingMode), "CHAT_GUARDRAIL_STREAM_MODE"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.PerformanceLatency), "CHAT_PERFORMANCE_LATENCY"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.ServiceTier), "CHAT_SERVICE_TIER"),
        (typeof(BedrockModelOptions), nameof(BedrockModelOptions.AdditionalModelRequestFields), "CHAT_ADDITIONAL_MODEL_REQUEST_FIELDS"),
    ];

    /// <summary>
    /// Registers the whole service as the Lambda host runs it: the use case and the HTTP surface
    /// (<see cref="AddChatBedrockCore"/>), the DynamoDB store and the Bedrock model, configured from
    /// <paramref name="settings"/>. Services registered before this call (a test's fake model, say) win.
    /// </summary>
    public static IServiceCollection AddChatBedrock(this IServiceCollection services, ChatBedrockSettings settings) =>
        services.AddChatBedrockCore(settings).AddDynamoDbConversationRepository(settings).AddBedrockLanguageModel(settings);

    /// <summary>
    /// Registers the use case and the HTTP surface from <paramref name="settings"/> (then the <c>Conversation</c>,
    /// <c>Http</c> and <c>Telemetry</c> sections of <see cref="ChatBedrockSettings.Configuration"/>), without a store or a model:
    /// hosts that choose their own (the local host's SQLite store or local model) add them.
    /// </summary>
    public static IServiceCollection AddChatBedrockCore(this IServiceCollection services, ChatBedrockSettings settings)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(settings);
        services.AddConversationUseCases(o =>
        {
            o.SystemPrompt = settings.SystemPrompt ?? o.SystemPrompt;
            o.MaxTokens = settings.MaxTokens ?? o.MaxTokens;
            o.Temperature = settings.Temperature ?? o.Temperature;
            o.MaxInputLength = settings.MaxInputChars ?? o.MaxInputLength;
            o.Summary = settings.Summary || o.Summary;
            o.SummaryInstruction = settings.SummaryInstruction ?? o.SummaryInstruction;
            o.SummaryMaxTokens = settings.SummaryMaxTokens ?? o.SummaryMaxTokens;
            o.Prices = settings.Prices ?? o.Prices;
            o.ProposeTitles |= settings.ProposeTitles;
        });
        services.AddChatHttp(o =>
        {
            foreach (var origin in settings.CorsAllowedOrigins)
            {
                o.AllowedOrigins.Add(origin);
            }

            foreach (var origin in settings.TrustedOrigins)
            {
                o.TrustedOrigins.Add(origin);
            }
        });
        ChatBedrockSections.BindCore(services, settings.Configuration);
        services.AddSingleton(new SettingsSource(settings.Configuration));
        return services;
    }

    /// <summary>Registers the DynamoDB store (<c>CHAT_TABLE_NAME</c>, <c>CHAT_STORE_LAYOUT</c>, <c>CHAT_STORE_TTL_SECONDS</c>, then the <c>DynamoDb</c> section).</summary>
    public static IServiceCollection AddDynamoDbConversationRepository(this IServiceCollection services, ChatBedrockSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddDynamoDbConversationRepository(o =>
        {
            o.TableName = settings.TableName;
            o.Layout = settings.StoreLayout;
            o.TimeToLive = settings.StoreTimeToLive;
            o.ServiceUrl = settings.DynamoDbEndpoint ?? o.ServiceUrl;
        });
        ChatBedrockSections.BindDynamoDb(services, settings.Configuration);
        return services;
    }

    /// <summary>
    /// Registers the Bedrock model (<c>CHAT_MODEL_ID</c>, <c>CHAT_MODEL_REGION</c>, <c>CHAT_PROMPT_CACHE*</c>, <c>CHAT_GUARDRAIL_*</c>,
    /// <c>CHAT_PERFORMANCE_LATENCY</c>, <c>CHAT_SERVICE_TIER</c>, <c>CHAT_ADDITIONAL_MODEL_REQUEST_FIELDS</c>, then the <c>Bedrock</c> section);
    /// credentials are resolved on first use.
    /// </summary>
    public static IServiceCollection AddBedrockLanguageModel(this IServiceCollection services, ChatBedrockSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.AddBedrockLanguageModel(o =>
        {
            o.ModelId = settings.ModelId;
            o.Region = settings.ModelRegion ?? o.Region;
            o.Endpoint = settings.BedrockEndpoint ?? o.Endpoint;
            o.PromptCache = settings.PromptCache;
            foreach (var (prefix, minimum) in settings.PromptCacheModels)
            {
                o.PromptCacheModels[prefix] = minimum;
            }

            o.GuardrailIdentifier = settings.GuardrailIdentifier ?? o.GuardrailIdentifier;
            o.GuardrailVersion = settings.GuardrailVersion ?? o.GuardrailVersion;
            o.GuardrailTrace = settings.GuardrailTrace ?? o.GuardrailTrace;
            o.GuardrailStreamProcessingMode = settings.GuardrailStreamProcessingMode ?? o.GuardrailStreamProcessingMode;
            o.PerformanceLatency = settings.PerformanceLatency ?? o.PerformanceLatency;
            o.ServiceTier = settings.ServiceTier ?? o.ServiceTier;
            o.AdditionalModelRequestFields = settings.AdditionalModelRequestFields ?? o.AdditionalModelRequestFields;
        });
        ChatBedrockSections.BindBedrock(services, settings.Configuration);
        return services;
    }

    /// <summary>
    /// Validates every option now (what <c>ValidateOnStart</c> defers to start-up) and reports failures as a
    /// <see cref="ChatConfigurationException"/> whose sentences name the <c>CHAT_*</c> variable to fix.
    /// </summary>
    public static void ValidateChatBedrock(this IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var configuration = services.GetService<SettingsSource>()?.Configuration;
        try
        {
            services.GetService<IStartupValidator>()?.Validate();
        }
        catch (OptionsValidationException exception)
        {
            throw new ChatConfigurationException(Explain(exception, configuration));
        }
        catch (AggregateException exception) when (exception.InnerExceptions.All(e => e is OptionsValidationException))
        {
            throw new ChatConfigurationException(exception.InnerExceptions.Cast<OptionsValidationException>().SelectMany(e => Explain(e, configuration)).ToList());
        }
    }

    private static List<string> Explain(OptionsValidationException exception, IConfiguration? configuration) =>
        exception.Failures.Select(failure =>
            // The setting named first is the sentence's subject (a longer name wins a tie: PromptCacheModels over PromptCache);
            // a section key that is set won over the variable, and the sentence already names it.
            Sources.Where(s => s.Options == exception.OptionsType && failure.Contains(s.Setting, StringComparison.Ordinal))
                .OrderBy(s => failure.IndexOf(s.Setting, StringComparison.Ordinal)).ThenByDescending(s => s.Setting.Length)
                .FirstOrDefault() is { Variable: { } variable } source && !ChatBedrockSections.Sets(configuration, source.Options, source.Setting)
                ? $"{failure} Set by {variable}."
                : failure).ToList();

    /// <summary>The configuration the sections were bound from, for <see cref="ValidateChatBedrock"/>'s advice.</summary>
    private sealed record SettingsSource(IConfiguration? Configuration);
}
