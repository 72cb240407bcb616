using System.Text.Json;

namespace ChatBedrock.Deploy;

/// <summary>
/// The ARNs that <c>bedrock:InvokeModel*</c> must be allowed on for one model id: the foundation model in the
/// model's Region; for a cross-Region inference profile (<c>us.</c>, <c>jp.</c>, <c>global.</c>, ...) also the
/// profile itself and the foundation model in every Region the profile may route to. Which Regions that is
/// lives in inference-profiles.json, as data (see ADR 0052).
/// </summary>
internal static class ModelArns
{
    private static readonly Lazy<IReadOnlyDictionary<string, string[]>> ProfileRegions = new(LoadProfileRegions);

    /// <param name="modelId">A foundation model id or a system-defined inference profile id.</param>
    /// <param name="region">The Region the function calls Bedrock in (the profile's source Region).</param>
    /// <param name="partition">The partition, usually a token for <c>AWS::Partition</c>.</param>
    /// <param name="account">The account, usually a token for <c>AWS::AccountId</c>.</param>
    /// <param name="destinationRegions">Replaces the profile's Regions from the data file when not empty.</param>
    public static IReadOnlyList<string> For(
        string modelId, string region, string partition, string account, IReadOnlyList<string> destinationRegions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelId);
        if (modelId.StartsWith("arn:", StringComparison.Ordinal))
        {
            throw new DeployConfigurationException(
                $"Context value 'modelId' must be a model id or an inference profile id, not an ARN (was '{modelId}').");
        }

        var prefix = modelId.Split('.', 2)[0];
        if (!ProfileRegions.Value.TryGetValue(prefix, out var profileRegions))
        {
            return [FoundationModel(partition, region, modelId)];
        }

        var foundationModelId = modelId[(prefix.Length + 1)..];
        var regions = destinationRegions.Count > 0 ? destinationRegions : profileRegions;
        return
        [
            $"arn:{partition}:bedrock:{region}:{account}:inference-profile/{modelId}",
            .. new[] { region }.Concat(regions).Distinct(StringComparer.Ordinal).Select(r => FoundationModel(partition, r, foundationModelId)),
        ];
    }

    private static string FoundationModel(string partition, string region, string foundationModelId) =>
        $"arn:{partition}:bedrock:{region}::foundation-model/{foundationModelId}";

    private static Dictionary<string, string[]> LoadProfileRegions()
    {
        using var stream = typeof(ModelArns).Assembly.GetManifestResourceStream("inference-profiles.json")
            ?? throw new InvalidOperationException("inference-profiles.json is not embedded in " + typeof(ModelArns).Assembly.FullName);
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("profiles").EnumerateObject().ToDictionary(
            profile => profile.Name,
            profile => profile.Value.EnumerateArray().Select(region => region.GetString() ?? "").ToArray(),
            StringComparer.Ordinal);
    }
}
