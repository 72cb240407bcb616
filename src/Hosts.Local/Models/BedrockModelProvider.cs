using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Hosting;
using ChatBedrock.Http;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        // First: the HTTP surface's registration (through AddChatBedrockBedrockModel) only adds a static status if none is there.
        services.TryAddSingleton<IModelStatus, BedrockModelStatus>();
        AddModel(services, context);
    }

    private static void AddModel(IServiceCollection services, ModelProviderContext context)
    {
        services.AddChatBedrockBedrockModel(context.Settings);
        services.Configure<BedrockModelOptions>(context.Configuration.GetSection(BedrockModelOptions.SectionName));
    }

    /// <summary>Ready while credentials resolve; asked again at every call, so `aws sso login` needs no restart.</summary>
    private sealed class BedrockModelStatus(BedrockConfigurationCheck check, IOptions<BedrockModelOptions> options) : IModelStatus
    {
        private readonly string _modelId = options.Value.ModelId;

        public async ValueTask<ModelStatus> GetAsync(CancellationToken cancellationToken)
        {
            var status = await check.CheckAsync(cancellationToken).ConfigureAwait(false);
            return status.IsConfigured
                ? new ModelStatus("bedrock", _modelId)
                : new ModelStatus("bedrock", _modelId, Ready: false,
                    $"{status.Description} Or start the host with --model-provider local to chat with a local model instead.");
        }
    }
}
