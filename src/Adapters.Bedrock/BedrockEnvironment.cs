using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// What the machine says about AWS: environment variables, the shared profile's region and the default
/// credential chain. One seam, so tests describe a machine without touching the process environment.
/// </summary>
internal sealed class BedrockEnvironment
{
    public static BedrockEnvironment Process { get; } = new()
    {
        Variable = Environment.GetEnvironmentVariable,
        ProfileRegion = () => FallbackRegionFactory.GetRegionEndpoint(includeInstanceMetadata: false)?.SystemName,
        DefaultCredentials = async cancellationToken =>
        {
            using var resolver = new DefaultAWSCredentialsIdentityResolver();
            return await resolver.ResolveIdentityAsync(null!, cancellationToken).ConfigureAwait(false);
        },
    };

    public required Func<string, string?> Variable { get; init; }

    public required Func<string?> ProfileRegion { get; init; }

    /// <summary>Resolves AWSSDK.Core's default chain; throws <see cref="AmazonClientException"/> when it finds nothing.</summary>
    public required Func<CancellationToken, Task<AWSCredentials>> DefaultCredentials { get; init; }

    public string? Get(string name) => Variable(name) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
}
