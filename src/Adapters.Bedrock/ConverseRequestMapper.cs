using System.Text.Json;
using ChatBedrock.Adapters.Bedrock.Wire;
using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// The one place a <see cref="ModelRequest"/> becomes the body of a Converse or ConverseStream call: the
/// settings checked against the model's limits and merged with the configured defaults, the conversation
/// shaped the way Converse accepts it, prompt cache points (<see cref="PromptCachePlanner"/>), and the
/// configured additional model request fields, guardrail, performance configuration and service tier.
/// </summary>
internal sealed class ConverseRequestMapper
{
    private readonly BedrockModelOptions _options;
    private readonly JsonElement? _additionalFields;
    private readonly PromptCachePlanner? _cache;
    private readonly PerformanceConfiguration? _performance;
    private readonly ServiceTier? _serviceTier;

    public ConverseRequestMapper(BedrockModelOptions options)
    {
        _options = options;
        _additionalFields = BedrockModelOptionsValidator.ParseAdditionalFields(options.AdditionalModelRequestFields);
        _cache = PromptCachePlanner.For(options);
        _performance = options.PerformanceLatency is { } latency ? new PerformanceConfiguration(latency) : null;
        _serviceTier = options.ServiceTier is { } tier ? new ServiceTier(tier) : null;
    }

    /// <summary>Whether requests carry cache points (prompt caching is on for this model).</summary>
    public bool Caches => _cache is not null;

    /// <summary>
    /// The request body for Converse, or ConverseStream when <paramref name="streaming"/> (whose guardrail
    /// configuration also takes the stream processing mode); <see cref="ChatErrorCode.ModelInvalidRequest"/>
    /// for settings the model does not accept.
    /// </summary>
    public ConverseRequest Map(ModelRequest request, bool streaming = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        var settings = request.Settings;
        if (settings.MaxTokens < 1 || settings.MaxTokens > _options.MaxOutputTokens)
        {
            throw new ChatException(ChatErrorCode.ModelInvalidRequest,
                $"MaxTokens must be 1 to {_options.MaxOutputTokens} for model {_options.ModelId} (was {settings.MaxTokens}); " +
                $"{BedrockModelOptions.SectionName}:{nameof(BedrockModelOptions.MaxOutputTokens)} is the model's limit.");
        }

        if (settings.Temperature < 0 || settings.Temperature > _options.MaxTemperature)
        {
            throw new ChatException(ChatErrorCode.ModelInvalidRequest,
                $"Temperature must be 0 to {_options.MaxTemperature} for model {_options.ModelId} (was {settings.Temperature}); " +
                $"{BedrockModelOptions.SectionName}:{nameof(BedrockModelOptions.MaxTemperature)} is the model's limit.");
        }

        var topP = settings.TopP ?? _options.TopP;
        if (topP is < 0 or > 1)
        {
            throw new ChatException(ChatErrorCode.ModelInvalidRequest, $"TopP must be 0 to 1 (was {topP}).");
        }

        var stopSequences = settings.StopSequences.Count > 0 ? settings.StopSequences : [.. _options.StopSequences];
        if (stopSequences.Count > BedrockModelOptionsValidator.MaxStopSequences || stopSequences.Any(string.IsNullOrEmpty))
        {
            throw new ChatException(ChatErrorCode.ModelInvalidRequest,
                $"At most {BedrockModelOptionsValidator.MaxStopSequences} non-empty stop sequences are allowed (were {stopSequences.Count}).");
        }

        var (system, messages) = MapMessages(request);
        var guardrail = Guardrail(streaming);
        if (guardrail is not null && messages.Count > 0)
        {
            // Without guardContent a guardrail evaluates every message, so one blocked input stored in the
            // history would block every later turn of that chat; only the new input is evaluated (and the answer).
            messages[^1] = messages[^1] with { Content = [.. messages[^1].Content.Select(b => b.Text is { } t ? ContentBlock.Guarded(t) : b)] };
        }

        _cache?.AddCachePoints(system, messages);
        return new ConverseRequest(
            messages,
            system,
            new InferenceConfiguration(settings.MaxTokens, settings.Temperature, topP, stopSequences.Count > 0 ? stopSequences : null),
            _additionalFields)
        {
            GuardrailConfig = guardrail,
            PerformanceConfig = _performance,
            ServiceTier = _serviceTier,
        };
    }

    private GuardrailConfiguration? Guardrail(bool streaming) =>
        _options is { GuardrailIdentifier: { } id, GuardrailVersion: { } version }
            ? new GuardrailConfiguration(id, version, _options.GuardrailTrace, streaming ? _options.GuardrailStreamProcessingMode : null)
            : null;

    /// <summary>
    /// System prompt and stored system messages go to "system"; consecutive messages of one role are merged
    /// into one message of several blocks, because Converse requires the roles to alternate.
    /// </summary>
    private static (List<ContentBlock>? System, List<Message> Messages) MapMessages(ModelRequest request)
    {
        List<ContentBlock>? system = string.IsNullOrWhiteSpace(request.SystemPrompt) ? null : [new ContentBlock(request.SystemPrompt)];
        var messages = new List<Message>(request.Messages.Count);
        List<ContentBlock>? blocks = null;
        foreach (var message in request.Messages)
        {
            if (string.IsNullOrWhiteSpace(message.Content))
            {
                continue; // Converse rejects blank text blocks.
            }

            if (message.Role == ChatRole.System)
            {
                (system ??= []).Add(new ContentBlock(message.Content));
                continue;
            }

            var role = ChatRoles.Name(message.Role);
            if (messages.Count > 0 && messages[^1].Role == role)
            {
                blocks!.Add(new ContentBlock(message.Content));
                continue;
            }

            blocks = [new ContentBlock(message.Content)];
            messages.Add(new Message(role, blocks));
        }

        return (system, messages);
    }
}
