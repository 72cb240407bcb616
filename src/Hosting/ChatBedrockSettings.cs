using System.Globalization;
using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Adapters.DynamoDb;
using Microsoft.Extensions.Configuration;

namespace ChatBedrock.Hosting;

/// <summary>
/// The <c>CHAT_*</c> settings every host reads (environment variables, or any configuration source with the
/// same keys), parsed once. <see cref="Read"/> reports every malformed value at once, each naming its variable.
/// </summary>
public sealed record ChatBedrockSettings
{
    public const string DefaultModelId = "anthropic.claude-3-haiku-20240307-v1:0";
    public const string DefaultTableName = "ChatMessageHistory";

    /// <summary><c>CHAT_MODEL_ID</c>: the Bedrock model or inference profile.</summary>
    public string ModelId { get; init; } = DefaultModelId;

    /// <summary><c>CHAT_MODEL_REGION</c>, else <c>AWS_REGION</c>, else <c>AWS_DEFAULT_REGION</c>; null leaves it to the SDK.</summary>
    public string? ModelRegion { get; init; }

    /// <summary><c>CHAT_MAX_TOKENS</c>; null keeps the use case's default (1000).</summary>
    public int? MaxTokens { get; init; }

    /// <summary><c>CHAT_TEMPERATURE</c>; null keeps the use case's default (0.5).</summary>
    public double? Temperature { get; init; }

    /// <summary><c>CHAT_SYSTEM_PROMPT</c>; none by default.</summary>
    public string? SystemPrompt { get; init; }

    /// <summary><c>CHAT_MAX_INPUT_CHARS</c>; null keeps the use case's default (16,000).</summary>
    public int? MaxInputChars { get; init; }

    /// <summary><c>CHAT_PROPOSE_TITLES</c>: after a new chat's first answer, ask the model for a short title (off by default).</summary>
    public bool ProposeTitles { get; init; }

    /// <summary><c>CHAT_TABLE_NAME</c>: the DynamoDB table.</summary>
    public string TableName { get; init; } = DefaultTableName;

    /// <summary><c>CHAT_STORE_LAYOUT</c> (alias <c>CHAT_HISTORY_LAYOUT</c>): <c>langchain</c> (default, one item per session as the seed) or <c>turns</c> (one item per turn).</summary>
    public DynamoDbStoreLayout StoreLayout { get; init; } = DynamoDbStoreLayout.LangChain;

    /// <summary><c>CHAT_STORE_TTL_SECONDS</c> (alias <c>CHAT_HISTORY_TTL_SECONDS</c>): how long a session is kept after its last turn; null keeps it forever.</summary>
    public TimeSpan? StoreTimeToLive { get; init; }

    /// <summary><c>CHAT_STREAMING</c>: answer Function URL requests with response streaming (invoke mode RESPONSE_STREAM).</summary>
    public bool Streaming { get; init; }

    /// <summary><c>CHAT_CORS_ALLOWED_ORIGINS</c>: comma-separated origins, or <c>*</c>.</summary>
    public IReadOnlyList<string> CorsAllowedOrigins { get; init; } = [];

    /// <summary>
    /// <c>CHAT_TRUSTED_ORIGINS</c>: comma-separated origins whose pages may run turns and use sessions although the
    /// function sends no CORS headers for them (a deployment whose Function URL answers CORS itself, ADR 0054).
    /// </summary>
    public IReadOnlyList<string> TrustedOrigins { get; init; } = [];

    /// <summary><c>CHAT_PROMPT_CACHE</c>: <c>auto</c> (default), <c>on</c> or <c>off</c>.</summary>
    public PromptCacheMode PromptCache { get; init; } = PromptCacheMode.Auto;

    /// <summary><c>CHAT_PROMPT_CACHE_MODELS</c>: <c>prefix=minimum tokens</c>, comma-separated, added to the prompt cache table.</summary>
    public IReadOnlyDictionary<string, int> PromptCacheModels { get; init; } = new Dictionary<string, int>();

    /// <summary><c>CHAT_GUARDRAIL_ID</c>, <c>CHAT_GUARDRAIL_VERSION</c>, <c>CHAT_GUARDRAIL_TRACE</c>, <c>CHAT_GUARDRAIL_STREAM_MODE</c>.</summary>
    public string? GuardrailIdentifier { get; init; }

    public string? GuardrailVersion { get; init; }

    public string? GuardrailTrace { get; init; }

    public string? GuardrailStreamProcessingMode { get; init; }

    /// <summary><c>CHAT_PERFORMANCE_LATENCY</c>: <c>standard</c> or <c>optimized</c>.</summary>
    public string? PerformanceLatency { get; init; }

    /// <summary><c>CHAT_SERVICE_TIER</c>: <c>priority</c>, <c>default</c>, <c>flex</c> or <c>reserved</c>.</summary>
    public string? ServiceTier { get; init; }

    /// <summary><c>CHAT_ADDITIONAL_MODEL_REQUEST_FIELDS</c>: a JSON object passed to the model.</summary>
    public string? AdditionalModelRequestFields { get; init; }

    /// <summary><c>CHAT_SUMMARY</c>: <c>on</c> or <c>off</c> (default): summary memory for long conversations.</summary>
    public bool Summary { get; init; }

    /// <summary><c>CHAT_SUMMARY_INSTRUCTION</c>; null keeps the default instruction.</summary>
    public string? SummaryInstruction { get; init; }

    /// <summary><c>CHAT_SUMMARY_MAX_TOKENS</c>; null keeps the use case's default (500).</summary>
    public int? SummaryMaxTokens { get; init; }

    /// <summary><c>CHAT_PRICES</c>: the price table (<c>pattern=input/output[/cache read[/cache write]]</c> per 1,000 tokens, comma-separated).</summary>
    public string? Prices { get; init; }

    /// <summary><c>AWS_ENDPOINT_URL_DYNAMODB</c>, else <c>AWS_ENDPOINT_URL</c>: a DynamoDB-compatible endpoint (tests, DynamoDB Local).</summary>
    public string? DynamoDbEndpoint { get; init; }

    /// <summary><c>AWS_ENDPOINT_URL_BEDROCK_RUNTIME</c>, else <c>AWS_ENDPOINT_URL</c>: a Bedrock-compatible endpoint.</summary>
    public string? BedrockEndpoint { get; init; }

    /// <summary>
    /// The configuration these settings were read from: <c>AddChatBedrock</c> and its parts also bind its sections
    /// (<see cref="ChatBedrockSections"/>), whose keys win over the <c>CHAT_*</c> variables. Null binds none.
    /// </summary>
    public IConfiguration? Configuration { get; init; }

    /// <summary>Reads the settings; throws <see cref="ChatConfigurationException"/> naming every malformed variable.</summary>
    public static ChatBedrockSettings Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        var settings = new ChatBedrockSettings
        {
            ModelId = Text("CHAT_MODEL_ID") ?? DefaultModelId,
            ModelRegion = Text("CHAT_MODEL_REGION") ?? Text("AWS_REGION") ?? Text("AWS_DEFAULT_REGION"),
            MaxTokens = Parse<int>("CHAT_MAX_TOKENS", "an integer", s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null),
            Temperature = Parse<double>("CHAT_TEMPERATURE", "a number such as 0.5", s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : (double?)null),
            SystemPrompt = Text("CHAT_SYSTEM_PROMPT"),
            MaxInputChars = Parse<int>("CHAT_MAX_INPUT_CHARS", "an integer", s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null),
            TableName = Text("CHAT_TABLE_NAME") ?? DefaultTableName,
            StoreLayout = Parse(Named("CHAT_STORE_LAYOUT", "CHAT_HISTORY_LAYOUT"), "'langchain' or 'turns'", s => s.ToUpperInvariant() switch
            {
                "LANGCHAIN" => DynamoDbStoreLayout.LangChain,
                "TURNS" => DynamoDbStoreLayout.Turns,
                _ => (DynamoDbStoreLayout?)null,
            }) ?? DynamoDbStoreLayout.LangChain,
            StoreTimeToLive = Parse(Named("CHAT_STORE_TTL_SECONDS", "CHAT_HISTORY_TTL_SECONDS"), "a whole number of seconds from 1", s =>
                long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= 10L * 366 * 24 * 3600 ? TimeSpan.FromSeconds(v) : (TimeSpan?)null),
            ProposeTitles = Parse("CHAT_PROPOSE_TITLES", "'true' or 'false'", s => bool.TryParse(s, out var v) ? v : (bool?)null) ?? false,
            Streaming = Parse("CHAT_STREAMING", "'true' or 'false'", s => bool.TryParse(s, out var v) ? v : (bool?)null) ?? false,
            CorsAllowedOrigins = Text("CHAT_CORS_ALLOWED_ORIGINS")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
            TrustedOrigins = Text("CHAT_TRUSTED_ORIGINS")?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [],
            PromptCache = Parse("CHAT_PROMPT_CACHE", "'auto', 'on' or 'off'", s => s.ToUpperInvariant() switch
            {
                "AUTO" => PromptCacheMode.Auto,
                "ON" => PromptCacheMode.On,
                "OFF" => PromptCacheMode.Off,
                _ => (PromptCacheMode?)null,
            }) ?? PromptCacheMode.Auto,
            PromptCacheModels = ParsePromptCacheModels(Text("CHAT_PROMPT_CACHE_MODELS"), problems),
            GuardrailIdentifier = Text("CHAT_GUARDRAIL_ID"),
            GuardrailVersion = Text("CHAT_GUARDRAIL_VERSION"),
            GuardrailTrace = Text("CHAT_GUARDRAIL_TRACE"),
            GuardrailStreamProcessingMode = Text("CHAT_GUARDRAIL_STREAM_MODE"),
            PerformanceLatency = Text("CHAT_PERFORMANCE_LATENCY"),
            ServiceTier = Text("CHAT_SERVICE_TIER"),
            AdditionalModelRequestFields = Text("CHAT_ADDITIONAL_MODEL_REQUEST_FIELDS"),
            Summary = Parse("CHAT_SUMMARY", "'on' or 'off'", s => s.ToUpperInvariant() switch
            {
                "ON" or "TRUE" => true,
                "OFF" or "FALSE" => false,
                _ => (bool?)null,
            }) ?? false,
            SummaryInstruction = Text("CHAT_SUMMARY_INSTRUCTION"),
            SummaryMaxTokens = Parse<int>("CHAT_SUMMARY_MAX_TOKENS", "an integer", s => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : (int?)null),
            Prices = Text("CHAT_PRICES"),
            DynamoDbEndpoint = Text("AWS_ENDPOINT_URL_DYNAMODB") ?? Text("AWS_ENDPOINT_URL"),
            BedrockEndpoint = Text("AWS_ENDPOINT_URL_BEDROCK_RUNTIME") ?? Text("AWS_ENDPOINT_URL"),
            Configuration = configuration,
        };

        return problems.Count == 0 ? settings : throw new ChatConfigurationException(problems);

        string? Text(string name) => configuration[name] is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        // A setting renamed for ADR 0005 keeps its old name as an alias; the new name wins when both are set.
        string Named(string name, string alias) => Text(name) is null && Text(alias) is not null ? alias : name;

        T? Parse<T>(string name, string expected, Func<string, T?> parse)
            where T : struct
        {
            if (Text(name) is not { } text)
            {
                return null;
            }

            var value = parse(text);
            if (value is null)
            {
                problems.Add($"{name} must be {expected} (was '{text}').");
            }

            return value;
        }
    }

    // "anthropic.claude-x=1024, arn:…/abc=2048": the last '=' splits, since ARNs and ids contain ':' but never '='.
    private static Dictionary<string, int> ParsePromptCacheModels(string? text, List<string> problems)
    {
        var models = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in text?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) ?? [])
        {
            var equals = entry.LastIndexOf('=');
            if (equals > 0 && int.TryParse(entry[(equals + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var minimum))
            {
                models[entry[..equals].Trim()] = minimum;
            }
            else
            {
                problems.Add($"CHAT_PROMPT_CACHE_MODELS must be comma-separated model-id-prefix=minimum-tokens entries (was '{entry}').");
            }
        }

        return models;
    }
}


/// <summary>The host's configuration is invalid; <see cref="Exception.Message"/> names every variable to fix.</summary>
public sealed class ChatConfigurationException : Exception
{
    public ChatConfigurationException(IReadOnlyList<string> problems)
        : base("Invalid configuration: " + string.Join(" ", problems))
    {
        Problems = problems;
    }

    /// <summary>One sentence per problem, each naming its variable.</summary>
    public IReadOnlyList<string> Problems { get; }
}
