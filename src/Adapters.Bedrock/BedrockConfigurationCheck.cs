using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// Tells a host, without calling a model, whether Bedrock can be used: a region or endpoint is known and
/// credentials (or an API key) resolve. A host calls it at start-up to print what to configure, or from a
/// health endpoint; the model's <see cref="ILanguageModel.GetStatusAsync"/> is this check. A successful answer is kept; a failed one is retried on the next call. When nothing is
/// configured, AWSSDK.Core's chain may probe the EC2 instance metadata service (about a second off EC2;
/// set AWS_EC2_METADATA_DISABLED=true to skip it).
/// </summary>
public sealed class BedrockConfigurationCheck
{
    private readonly BedrockConnectionResolver _resolver;
    private readonly string _modelId;

    internal BedrockConfigurationCheck(BedrockConnectionResolver resolver, string modelId)
    {
        _resolver = resolver;
        _modelId = modelId;
    }

    /// <summary>Resolves the connection Bedrock calls will use and describes it, or what is missing.</summary>
    public async Task<BedrockConfigurationStatus> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            var connection = await _resolver.GetAsync(cancellationToken).ConfigureAwait(false);
            return new BedrockConfigurationStatus(true,
                $"Bedrock model {_modelId} at {connection.Endpoint} ({connection.Region ?? "no region"}), authenticated with {connection.Authentication}.");
        }
        catch (ChatException e) when (e.Code == ChatErrorCode.ModelNotConfigured)
        {
            return new BedrockConfigurationStatus(false, e.Message);
        }
    }

    /// <summary>The model's status: ready while region and credentials resolve, asked again at every call (so `aws sso login` needs no restart).</summary>
    internal async ValueTask<ModelStatus> GetModelStatusAsync(CancellationToken cancellationToken)
    {
        var status = await CheckAsync(cancellationToken).ConfigureAwait(false);
        return status.IsConfigured ? new ModelStatus(Provider, _modelId) : new ModelStatus(Provider, _modelId, Ready: false, status.Description);
    }

    /// <summary>The provider's name in <see cref="ModelStatus"/>.</summary>
    internal const string Provider = "bedrock";
}

/// <summary>The answer of <see cref="BedrockConfigurationCheck"/>.</summary>
/// <param name="IsConfigured">Whether calls can be made (they may still be denied, e.g. without model access).</param>
/// <param name="Description">What will be used, or what to configure.</param>
public sealed record BedrockConfigurationStatus(bool IsConfigured, string Description);
