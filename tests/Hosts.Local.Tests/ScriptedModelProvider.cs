using ChatBedrock.Application;
using ChatBedrock.Hosts.Local.Models;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace ChatBedrock.Hosts.Local.Tests;

/// <summary>A test's scripted model slotted in as one more provider, as another adapter would be.</summary>
internal sealed class ScriptedModelProvider(ScriptedLanguageModel model) : IModelProvider
{
    public const string ProviderName = "scripted";
    public const string ModelId = "scripted-test-model";

    public string Name => ProviderName;

    public Task<ModelProbe> ProbeAsync(ModelProviderContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new ModelProbe(true, "the test's scripted model"));

    public void Register(IServiceCollection services, ModelProviderContext context)
    {
        model.Status = new ModelStatus(ProviderName, ModelId);
        services.TryAddSingleton<ILanguageModel>(model);
    }
}
