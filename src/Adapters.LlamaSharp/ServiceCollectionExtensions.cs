using ChatBedrock.Adapters.LlamaSharp;
using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the local GGUF model (LLamaSharp) as ChatBedrock's <see cref="ILanguageModel"/>.</summary>
public static class ChatBedrockLlamaSharpServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="ILanguageModel"/> over a local GGUF model unless a model is registered, with
    /// <see cref="LlamaSharpModelOptions"/> validated at start-up. The model loads on the first request.
    /// Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddLlamaSharpLanguageModel(this IServiceCollection services, Action<LlamaSharpModelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<LlamaSharpModelOptions, LlamaSharpModelOptionsValidator>(configure);

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ILanguageModel, LlamaSharpLanguageModel>();
        return services;
    }
}
