using ChatBedrock.Adapters.ExtensionsAI;
using ChatBedrock.Application;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Microsoft.Extensions.AI;

/// <summary>ChatBedrock's <see cref="ILanguageModel"/> and MEAI's <see cref="IChatClient"/>, each usable as the other.</summary>
public static class ChatBedrockChatClientExtensions
{
    /// <summary>
    /// Uses any <see cref="IChatClient"/> (with its middleware) as ChatBedrock's <see cref="ILanguageModel"/>. Its
    /// failures become <see cref="ChatBedrock.Domain.ChatException"/>s (see the package README for the mapping); a client made by
    /// <see cref="AsChatClient"/> without middleware gives back its model.
    /// </summary>
    public static ILanguageModel AsLanguageModel(this IChatClient client, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client is LanguageModelChatClient bridge
            ? bridge.Model
            : new ChatClientLanguageModel(client, (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ChatClientLanguageModel>());
    }

    /// <summary>
    /// Uses a ChatBedrock <see cref="ILanguageModel"/> as an <see cref="IChatClient"/>, e.g. to wrap it in
    /// <c>ChatClientBuilder</c> middleware. <paramref name="metadata"/> is what the client reports of itself
    /// (default provider name <c>chatbedrock</c>); a model made by <see cref="AsLanguageModel"/> gives back its client.
    /// </summary>
    public static IChatClient AsChatClient(this ILanguageModel model, ChatClientMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model is ChatClientLanguageModel bridge
            ? bridge.Client
            : new LanguageModelChatClient(model, metadata);
    }
}
