namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// Settings of the Bedrock language model. Region, endpoint and credentials left unset are resolved from the
/// environment on the first call, never at start-up, so a host starts without AWS configuration. Calls are
/// signed with credentials from AWSSDK.Core's default chain (environment, shared profile, web identity,
/// container and instance roles) unless an API key is set.
/// </summary>
public sealed class BedrockModelOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Bedrock";

    /// <summary>The Claude 3 Haiku model the hands-on ends with.</summary>
    public const string DefaultModelId = "anthropic.claude-3-haiku-20240307-v1:0";

    /// <summary>
    /// A model id (<c>anthropic.claude-3-haiku-20240307-v1:0</c>), an inference profile id
    /// (<c>us.</c>, <c>eu.</c>, <c>apac.</c>, <c>jp.</c>, <c>global.</c> prefixes) or an ARN.
    /// </summary>
    public string ModelId { get; set; } = DefaultModelId;

    /// <summary>The model's region (e.g. <c>us-west-2</c>); when unset, <c>AWS_REGION</c>, then <c>AWS_DEFAULT_REGION</c>, then the shared profile's region.</summary>
    public string? Region { get; set; }

    /// <summary>
    /// The Bedrock Runtime endpoint; when unset, <c>AWS_ENDPOINT_URL_BEDROCK_RUNTIME</c>, then <c>AWS_ENDPOINT_URL</c>,
    /// then <c>https://bedrock-runtime.{Region}.amazonaws.com</c>.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>
    /// A Bedrock API key sent as a bearer token instead of signing with AWS credentials; when unset,
    /// <c>AWS_BEARER_TOKEN_BEDROCK</c>.
    /// </summary>
    public string? ApiKey { get; set; }

    /// <summary>The longest one call may take, retries and the whole streamed answer included (1 s to 15 min). Default 2 minutes.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a throttled or failed call is retried before giving up (0 to 10). Default 3.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The first retry's mean delay, doubled at each retry and jittered (1 ms to 30 s). Default 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The most tokens the model can produce in one answer (1 to 1,000,000); a call asking for more is rejected. Default 4096 (Claude 3 Haiku).</summary>
    public int MaxOutputTokens { get; set; } = 4096;

    /// <summary>The highest temperature the model accepts (0 to 1). A call asking for more is rejected. Default 1.</summary>
    public double MaxTemperature { get; set; } = 1;

    /// <summary>Nucleus sampling (0 to 1) sent with every call; unset leaves the model's default.</summary>
    public double? TopP { get; set; }

    /// <summary>Up to 4 non-empty sequences at which the model stops, sent with every call.</summary>
    public IList<string> StopSequences { get; } = [];

    /// <summary>
    /// A JSON object passed to the model as <c>additionalModelRequestFields</c>, for parameters Converse has no
    /// field for, e.g. <c>{"top_k":250}</c> (the hands-on's setting).
    /// </summary>
    public string? AdditionalModelRequestFields { get; set; }

    /// <summary>
    /// Prompt caching: <see cref="PromptCacheMode.Auto"/> (default) adds cache points for models in the prompt cache
    /// table (<see cref="PromptCacheModels"/> and the built-in one) and sends requests as before for others;
    /// <see cref="PromptCacheMode.On"/> also, but refuses to start with a model the table does not know;
    /// <see cref="PromptCacheMode.Off"/> never adds them.
    /// </summary>
    public PromptCacheMode PromptCache { get; set; } = PromptCacheMode.Auto;

    /// <summary>
    /// Adds to (or overrides) the built-in prompt cache table: a model id prefix, as called (inference profile
    /// prefix and ARN removed, e.g. <c>anthropic.claude-sonnet-4-6</c>) or a whole id or ARN, mapped to the model's
    /// minimum tokens per cache checkpoint (1 to 1,000,000). The longest matching prefix wins.
    /// </summary>
    public IDictionary<string, int> PromptCacheModels { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>A guardrail's id or ARN, applied to every call (<c>guardrailConfig</c>); needs <see cref="GuardrailVersion"/>.</summary>
    public string? GuardrailIdentifier { get; set; }

    /// <summary>The guardrail's version: a number or <c>DRAFT</c>.</summary>
    public string? GuardrailVersion { get; set; }

    /// <summary>The guardrail's trace: <c>enabled</c>, <c>disabled</c> or <c>enabled_full</c>; unset leaves Bedrock's default (disabled).</summary>
    public string? GuardrailTrace { get; set; }

    /// <summary>
    /// How a guardrail treats a streamed answer: <c>sync</c> (chunks are checked before they are sent) or
    /// <c>async</c> (sent at once, checked in the background); unset leaves Bedrock's default (sync).
    /// </summary>
    public string? GuardrailStreamProcessingMode { get; set; }

    /// <summary><c>performanceConfig.latency</c>: <c>standard</c> or <c>optimized</c> (latency-optimized inference, for the models and regions that offer it).</summary>
    public string? PerformanceLatency { get; set; }

    /// <summary><c>serviceTier.type</c>: <c>priority</c>, <c>default</c>, <c>flex</c> or <c>reserved</c>; unset sends none (the standard tier).</summary>
    public string? ServiceTier { get; set; }
}

/// <summary>Whether Converse requests carry prompt cache points.</summary>
public enum PromptCacheMode
{
    /// <summary>For models in the prompt cache table; others are called exactly as without caching.</summary>
    Auto,

    /// <summary>Like <see cref="Auto"/>, but a model missing from the table is a start-up error.</summary>
    On,

    /// <summary>Never.</summary>
    Off,
}
