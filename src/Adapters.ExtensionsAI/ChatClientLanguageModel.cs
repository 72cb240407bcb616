using System.Runtime.CompilerServices;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.ExtensionsAI;

/// <summary>
/// <see cref="ILanguageModel"/> over any <see cref="IChatClient"/>. Text, usage (zeros when the client reports none)
/// and the finish reason are carried (<see cref="ChatMapping"/>); failures are classified by <see cref="ChatClientErrors"/>.
/// </summary>
internal sealed partial class ChatClientLanguageModel : ILanguageModel
{
    private readonly ILogger _logger;

    public ChatClientLanguageModel(IChatClient client, ILogger<ChatClientLanguageModel> logger)
    {
        Client = client;
        _logger = logger;
    }

    /// <summary>The client behind this model (also what <c>AsChatClient</c> unwraps to).</summary>
    public IChatClient Client { get; }

    /// <summary>
    /// What the client's <see cref="ChatClientMetadata"/> says (provider and default model); an <see cref="IChatClient"/>
    /// has no notion of readiness, so it is always ready and its own failures speak at the first call.
    /// </summary>
    public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var metadata = Client.GetService<ChatClientMetadata>();
        return ValueTask.FromResult(new ModelStatus(metadata?.ProviderName ?? "extensions-ai", metadata?.DefaultModelId ?? string.Empty, Ready: true, Message: null));
    }

    public async Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var (messages, options) = ChatMapping.ToChat(request);
        ChatResponse response;
        try
        {
            response = await Client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Classify(e, cancellationToken) is { } error)
        {
            throw error;
        }

        return new ModelResponse(response.Text, ChatMapping.ToUsage(response.Usage), ChatMapping.ToStopReason(response.FinishReason));
    }

    public async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var (messages, options) = ChatMapping.ToChat(request);
        UsageDetails? usage = null;
        ChatFinishReason? finish = null;

        var updates = Client.GetStreamingResponseAsync(messages, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                ChatResponseUpdate update;
                try
                {
                    if (!await updates.MoveNextAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    update = updates.Current;
                }
                catch (Exception e) when (Classify(e, cancellationToken) is { } error)
                {
                    throw error;
                }

                finish = update.FinishReason ?? finish;
                foreach (var content in update.Contents)
                {
                    // Several usage reports add up, as MEAI's own ToChatResponse does.
                    if (content is UsageContent { Details: { } details })
                    {
                        (usage ??= new UsageDetails()).Add(details);
                    }
                }

                if (update.Text is { Length: > 0 } text)
                {
                    yield return new ModelTextDelta(text);
                }

                // Not every client watches the token between updates; the port promises to stop.
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            await updates.DisposeAsync().ConfigureAwait(false);
        }

        yield return new ModelStreamEnd(ChatMapping.ToUsage(usage), ChatMapping.ToStopReason(finish));
    }

    private ChatException? Classify(Exception e, CancellationToken cancellationToken)
    {
        var error = ChatClientErrors.Classify(e, cancellationToken);
        if (error is not null)
        {
            LogFailed(_logger, error.Code, e.GetType().Name);
        }

        return error;
    }

    [LoggerMessage(1, LogLevel.Warning, "The chat client failed with {Code} ({ExceptionType})")]
    private static partial void LogFailed(ILogger logger, ChatErrorCode code, string exceptionType);
}
