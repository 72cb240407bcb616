using System.Runtime.CompilerServices;
using ChatBedrock.Application;
using Microsoft.Extensions.AI;

namespace ChatBedrock.Adapters.ExtensionsAI;

/// <summary>
/// <see cref="IChatClient"/> over any <see cref="ILanguageModel"/>, so MEAI's middleware (logging, OpenTelemetry,
/// caching, function invocation) can wrap a ChatBedrock model. One answer is one assistant message; streamed text
/// arrives as updates of that message, followed by one update carrying the usage and the finish reason. Failures
/// pass unchanged (<see cref="Domain.ChatException"/> with its code).
/// </summary>
internal sealed class LanguageModelChatClient : IChatClient
{
    private readonly ChatClientMetadata _metadata;

    public LanguageModelChatClient(ILanguageModel model, ChatClientMetadata? metadata)
    {
        Model = model;
        _metadata = metadata ?? new ChatClientMetadata("chatbedrock");
    }

    /// <summary>The model behind this client (also what <c>AsLanguageModel</c> unwraps to).</summary>
    public ILanguageModel Model { get; }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = ChatMapping.ToModelRequest(messages, options);
        var answer = await Model.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
        return new ChatResponse(new ChatMessage(ChatRole.Assistant, answer.Text) { MessageId = NewId() })
        {
            ResponseId = NewId(),
            ModelId = _metadata.DefaultModelId,
            FinishReason = ChatMapping.ToFinishReason(answer.StopReason),
            Usage = ChatMapping.ToUsageDetails(answer.Usage),
        };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var request = ChatMapping.ToModelRequest(messages, options);
        var responseId = NewId();
        var messageId = NewId();
        await foreach (var update in Model.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            yield return update switch
            {
                ModelTextDelta delta => new ChatResponseUpdate(ChatRole.Assistant, delta.Text)
                {
                    ResponseId = responseId,
                    MessageId = messageId,
                    ModelId = _metadata.DefaultModelId,
                },
                ModelStreamEnd end => new ChatResponseUpdate(ChatRole.Assistant, [new UsageContent(ChatMapping.ToUsageDetails(end.Usage))])
                {
                    ResponseId = responseId,
                    MessageId = messageId,
                    ModelId = _metadata.DefaultModelId,
                    FinishReason = ChatMapping.ToFinishReason(end.StopReason),
                },
                _ => throw new InvalidOperationException($"Unknown stream update {update.GetType().Name}."),
            };
        }
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this
            : serviceType.IsInstanceOfType(Model) ? Model
            : null;
    }

    // The model owns nothing this client could release; its owner (a container) disposes it.
    public void Dispose()
    {
    }

    private static string NewId() => Guid.NewGuid().ToString("N");
}
