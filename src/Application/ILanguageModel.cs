using ChatBedrock.Domain;

namespace ChatBedrock.Application;

/// <summary>A chat model: the port every model adapter implements.</summary>
public interface ILanguageModel
{
    /// <summary>Asks for the next assistant message and waits for all of it.</summary>
    Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Asks for the next assistant message as it is produced: zero or more <see cref="ModelTextDelta"/>
    /// followed by exactly one <see cref="ModelStreamEnd"/>. Failures are raised as <see cref="ChatException"/>.
    /// </summary>
    IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Which model this is and whether it can answer now (credentials resolve, the model file is there), without
    /// calling it: the way <c>IChatClient.GetService</c> exposes a client's metadata. Asked before every turn and
    /// by <c>GET /status</c>, so it must be cheap; an adapter may cache a good answer.
    /// </summary>
    ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken);
}

/// <summary>What a model is asked: an optional system prompt and the conversation, oldest first, ending with the user's message.</summary>
public sealed record ModelRequest(string? SystemPrompt, IReadOnlyList<ChatMessage> Messages, ModelSettings Settings);

/// <summary>Per-call generation settings.</summary>
public sealed record ModelSettings
{
    public int MaxTokens { get; init; } = 1000;

    public double Temperature { get; init; } = 0.5;

    public double? TopP { get; init; }

    public IReadOnlyList<string> StopSequences { get; init; } = [];
}

/// <summary>
/// Token counts of one model call. With a provider's prompt cache, <see cref="InputTokens"/> are only the input
/// tokens billed at the full price; those read from or written to the cache are counted apart (Bedrock's
/// <c>inputTokens</c>, <c>cacheReadInputTokens</c>, <c>cacheWriteInputTokens</c>), so the whole prompt is
/// <see cref="PromptTokens"/>.
/// </summary>
public readonly record struct ModelUsage(int InputTokens, int OutputTokens)
{
    /// <summary>Input tokens read from the prompt cache (billed at a fraction of the input price).</summary>
    public int CacheReadInputTokens { get; init; }

    /// <summary>Input tokens written to the prompt cache (billed at or above the input price, depending on the model).</summary>
    public int CacheWriteInputTokens { get; init; }

    /// <summary>The whole prompt: full-price, cache-read and cache-written input tokens.</summary>
    public int PromptTokens => InputTokens + CacheReadInputTokens + CacheWriteInputTokens;

    /// <summary>Every token of the call, as Bedrock's <c>totalTokens</c>: <see cref="PromptTokens"/> and the output.</summary>
    public int TotalTokens => PromptTokens + OutputTokens;

    /// <summary>These counts as stored with a message, with the model that produced them.</summary>
    public MessageUsage ToMessageUsage(string? modelId) => new(InputTokens, OutputTokens, CacheReadInputTokens, CacheWriteInputTokens, modelId);
}

/// <summary>Why the model stopped. Known values are listed; unknown ones from a provider are kept as they are.</summary>
public static class StopReasons
{
    public const string EndTurn = "end_turn";
    public const string MaxTokens = "max_tokens";
    public const string StopSequence = "stop_sequence";

    /// <summary>A guardrail blocked the input or the answer; the text is the guardrail's configured message.</summary>
    public const string GuardrailIntervened = "guardrail_intervened";

    /// <summary>Not the model's: the client stopped reading (the page's Stop, a closed tab) and what had arrived was kept.</summary>
    public const string Interrupted = "interrupted";
}

/// <summary>A complete answer.</summary>
public sealed record ModelResponse(string Text, ModelUsage Usage, string StopReason)
{
    /// <summary>The model that answered, when the adapter knows it (stored with the answer); else null.</summary>
    public string? ModelId { get; init; }
}

/// <summary>One item of a streamed answer.</summary>
public abstract record ModelStreamUpdate;

/// <summary>A piece of the answer's text, in order.</summary>
public sealed record ModelTextDelta(string Text) : ModelStreamUpdate;

/// <summary>The end of a streamed answer.</summary>
public sealed record ModelStreamEnd(ModelUsage Usage, string StopReason) : ModelStreamUpdate
{
    /// <summary>The model that answered, when the adapter knows it (stored with the answer); else null.</summary>
    public string? ModelId { get; init; }
}
