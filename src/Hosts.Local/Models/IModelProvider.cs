using ChatBedrock.Hosting;

namespace ChatBedrock.Hosts.Local.Models;

/// <summary>
/// A model the local host can answer with, named by <c>--model-provider</c>. It registers the
/// <see cref="Application.ILanguageModel"/> (which reports its own status) and the host's advice for when it is
/// not ready; routes, store and page
/// stay the same whichever is chosen, so another adapter slots in as one more provider in
/// <see cref="LocalHostOptions.ModelProviders"/>.
/// </summary>
internal interface IModelProvider
{
    /// <summary>Its name in <c>--model-provider</c> and in <c>GET /status</c>, lower case.</summary>
    string Name { get; }

    /// <summary>For <c>--model-provider auto</c>: whether it can answer as configured (it may still need a download).</summary>
    Task<ModelProbe> ProbeAsync(ModelProviderContext context, CancellationToken cancellationToken);

    /// <summary>Registers the model, giving way to services registered before (a test's fakes).</summary>
    void Register(IServiceCollection services, ModelProviderContext context);
}

/// <summary>What a provider may read: the host's configuration and its <c>CHAT_*</c> settings.</summary>
internal sealed record ModelProviderContext(IConfiguration Configuration, ChatBedrockSettings Settings);

/// <summary>The answer of <see cref="IModelProvider.ProbeAsync"/>.</summary>
/// <param name="Usable">Whether the provider can answer without more configuration.</param>
/// <param name="Description">What it will use, or what is missing.</param>
internal sealed record ModelProbe(bool Usable, string Description);
