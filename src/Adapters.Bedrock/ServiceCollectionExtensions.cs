using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Bedrock language model.</summary>
public static class ChatBedrockBedrockServiceCollectionExtensions
{
    /// <summary>
    /// Registers Amazon Bedrock as the <see cref="ILanguageModel"/> (unless one is registered) and
    /// <see cref="BedrockConfigurationCheck"/>. Options are validated at start-up; region, endpoint and
    /// credentials are resolved on the first call, so the host starts without AWS configuration. Calling it
    /// again only adds <paramref name="configure"/>.
    /// </summary>
    public static IServiceCollection AddBedrockLanguageModel(this IServiceCollection services, Action<BedrockModelOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddValidatedOptions<BedrockModelOptions, BedrockModelOptionsValidator>(configure);

        if (services.Any(d => d.ServiceType == typeof(BedrockRuntimeClient)))
        {
            return services;
        }

        // Deadlines are the model's (RequestTimeout), so HttpClient's own 100 s timeout must not cut a long answer.
        services.AddHttpClient(BedrockRuntimeClient.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(BedrockEnvironment.Process);
        services.TryAddSingleton<BedrockConnectionResolver>();
        services.TryAddSingleton<BedrockRuntimeClient>();
        if (!services.Any(d => d.ServiceType == typeof(ILanguageModel)))
        {
            // Only when Bedrock is the model: a host's own model must not make it contact Bedrock.
            services.AddSingleton<ILanguageModel, BedrockLanguageModel>();
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IWarmUp, BedrockWarmUp>());
        }

        services.TryAddSingleton(provider => new BedrockConfigurationCheck(
            provider.GetRequiredService<BedrockConnectionResolver>(),
            provider.GetRequiredService<IOptions<BedrockModelOptions>>().Value.ModelId));
        return services;
    }
}
