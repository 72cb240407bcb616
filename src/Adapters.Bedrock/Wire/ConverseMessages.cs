using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatBedrock.Adapters.Bedrock.Wire;

// The subset of the Bedrock Runtime Converse / ConverseStream JSON this adapter sends and reads.
// Unknown response fields (including the random "p" padding of stream events) are ignored by the serializer.
// contentBlockDelta events are read by ContentBlockDeltaReader instead, without materialising them.

internal sealed record ConverseRequest(
    IReadOnlyList<Message> Messages,
    IReadOnlyList<ContentBlock>? System,
    InferenceConfiguration InferenceConfig,
    JsonElement? AdditionalModelRequestFields);

internal sealed record Message(string Role, IReadOnlyList<ContentBlock> Content);

internal sealed record ContentBlock(string? Text);

internal sealed record InferenceConfiguration(int MaxTokens, double Temperature, double? TopP, IReadOnlyList<string>? StopSequences);

internal sealed record ConverseResponse(ConverseOutput? Output, string? StopReason, TokenUsage? Usage, ConverseMetrics? Metrics);

internal sealed record ConverseOutput(Message? Message);

internal sealed record TokenUsage(int InputTokens, int OutputTokens, int TotalTokens);

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
