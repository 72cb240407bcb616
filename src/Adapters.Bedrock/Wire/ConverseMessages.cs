using System.Text.Json;
using System.Text.Json.Serialization;
using ChatBedrock.Application;

namespace ChatBedrock.Adapters.Bedrock.Wire;

// The subset of the Bedrock Runtime Converse / ConverseStream JSON this adapter sends and reads.
// Unknown response fields (including the random "p" padding of stream events) are ignored by the serializer.
// contentBlockDelta events are read by ContentBlockDeltaReader instead, without materialising them.

// Optional members are null unless configured, and nulls are not written: a request without caching,
// guardrail, performance or service tier settings is byte for byte what it was before they existed.
internal sealed record ConverseRequest(
    IReadOnlyList<Message> Messages,
    IReadOnlyList<ContentBlock>? System,
    InferenceConfiguration InferenceConfig,
    JsonElement? AdditionalModelRequestFields)
{
    public GuardrailConfiguration? GuardrailConfig { get; init; }

    public PerformanceConfiguration? PerformanceConfig { get; init; }

    public ServiceTier? ServiceTier { get; init; }
}

internal sealed record Message(string Role, IReadOnlyList<ContentBlock> Content);

/// <summary>A text block, or a cache point (<c>{"cachePoint":{"type":"default"}}</c>, API reference CachePointBlock).</summary>
internal sealed record ContentBlock(string? Text)
{
    public static readonly ContentBlock DefaultCachePoint = new((string?)null) { CachePoint = new CachePointBlock("default") };

    public CachePointBlock? CachePoint { get; init; }

    public GuardContentBlock? GuardContent { get; init; }

    /// <summary>Text the model reads and the guardrail also evaluates (<c>{"guardContent":{"text":{"text":"…"}}}</c>).</summary>
    public static ContentBlock Guarded(string text) => new((string?)null) { GuardContent = new GuardContentBlock(new GuardTextBlock(text)) };
}

internal sealed record CachePointBlock(string Type);

/// <summary>API reference GuardrailConverseContentBlock / GuardrailConverseTextBlock.</summary>
internal sealed record GuardContentBlock(GuardTextBlock Text);

internal sealed record GuardTextBlock(string Text);

/// <summary>
/// API reference GuardrailConfiguration (Converse) and GuardrailStreamConfiguration (ConverseStream, which
/// adds <c>streamProcessingMode</c>: sync | async).
/// </summary>
internal sealed record GuardrailConfiguration(string GuardrailIdentifier, string GuardrailVersion, string? Trace, string? StreamProcessingMode);

/// <summary>API reference PerformanceConfiguration: <c>latency</c> standard | optimized.</summary>
internal sealed record PerformanceConfiguration(string Latency);

/// <summary>API reference ServiceTier: <c>type</c> priority | default | flex | reserved.</summary>
internal sealed record ServiceTier(string Type);

internal sealed record InferenceConfiguration(int MaxTokens, double Temperature, double? TopP, IReadOnlyList<string>? StopSequences);

internal sealed record ConverseResponse(ConverseOutput? Output, string? StopReason, TokenUsage? Usage, ConverseMetrics? Metrics);

internal sealed record ConverseOutput(Message? Message);

/// <summary>API reference TokenUsage; with prompt caching, <c>inputTokens</c> excludes the cache read and write tokens.</summary>
internal sealed record TokenUsage(int InputTokens, int OutputTokens, int TotalTokens, int? CacheReadInputTokens, int? CacheWriteInputTokens)
{
    public static ModelUsage ToModelUsage(TokenUsage? usage) => usage is null
        ? default
        : new ModelUsage(usage.InputTokens, usage.OutputTokens)
        {
            CacheReadInputTokens = usage.CacheReadInputTokens ?? 0,
            CacheWriteInputTokens = usage.CacheWriteInputTokens ?? 0,
        };
}

internal sealed record ConverseMetrics(long LatencyMs);

internal sealed record MessageStopEvent(string? StopReason);

internal sealed record MetadataEvent(TokenUsage? Usage, ConverseMetrics? Metrics);

/// <summary>The body of an error response or exception frame; services spell the field "message" or "Message".</summary>
internal sealed record ErrorBody(string? Message, [property: JsonPropertyName("__type")] string? Type);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConverseRequest))]
[JsonSerializable(typeof(ConverseResponse))]
[JsonSerializable(typeof(MessageStopEvent))]
[JsonSerializable(typeof(MetadataEvent))]
[JsonSerializable(typeof(ErrorBody))]
internal sealed partial class BedrockJsonContext : JsonSerializerContext;
