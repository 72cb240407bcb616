using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Application;
using ChatBedrock.Hosting;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Hosts.Local.Models;

/// <summary>Amazon Bedrock, configured as in the Lambda host (<c>CHAT_MODEL_ID</c>, <c>CHAT_MODEL_REGION</c>) plus the <c>Bedrock</c> section.</summary>
internal sealed class BedrockModelProvider : IModelProvider
{
    public string Name => "bedrock";

    /// <summary>Resolves region and credentials as the model would, in a throw-away container (nothing is called).</summary>
    public async Task<ModelProbe> ProbeAsync(ModelProviderContext context, CancellationToken cancellationToken)
    {
        var services = new ServiceCollection().AddLogging();
        AddModel(services, context);
        var probe = services.BuildServiceProvider();
        await using (probe.ConfigureAwait(false))
        {
            try
            {
                var status = await probe.GetRequiredService<BedrockConfigurationCheck>().CheckAsync(cancellationToken).ConfigureAwait(false);
                return new ModelProbe(status.IsConfigured, status.Description);
            }
            catch (OptionsValidationException invalid)
            {
                throw new ChatConfigurationException([.. invalid.Failures]);
            }
        }
    }

    public void Register(IServiceCollection services, ModelProviderContext context)
    {
        AddModel(services, context);
        // The adapter says which credentials or region are missing; the host knows its other model.
        services.Configure<ServiceStatusOptions>(o => o.ModelNotReadyAdvice = "Or start the host with --model-provider local to chat with a local model instead.");
    }

    // The settings bind the Bedrock section too (ChatBedrockSections), after the CHAT_* variables.
    private static void AddModel(IServiceCollection services, ModelProviderContext context) =>
        services.AddBedrockLanguageModel(context.Settings);
}
