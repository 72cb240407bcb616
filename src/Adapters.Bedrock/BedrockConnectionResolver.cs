using Amazon.Runtime;
using ChatBedrock.Domain;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// Resolves region, endpoint and credentials on first use, never at start-up, and keeps the result (AWS
/// credentials objects refresh temporary credentials themselves). A failure is not kept, so fixing the
/// configuration (e.g. `aws sso login`) takes effect on the next call.
/// </summary>
internal sealed class BedrockConnectionResolver : IDisposable
{
    internal const string ConfigureCredentialsHint =
        "Configure one of: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary credentials); " +
        "AWS_PROFILE naming a profile in ~/.aws/credentials or ~/.aws/config (`aws configure`, `aws sso login`); " +
        "a Bedrock API key in AWS_BEARER_TOKEN_BEDROCK (or Bedrock:ApiKey); " +
        "or run where a role is attached (Lambda, ECS, EC2).";

    private readonly BedrockModelOptions _options;
    private readonly BedrockEnvironment _environment;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private BedrockConnection? _connection;

    public BedrockConnectionResolver(IOptions<BedrockModelOptions> options, BedrockEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _environment = environment;
    }

    /// <summary>Throws <see cref="ChatException"/> with <see cref="ChatErrorCode.ModelNotConfigured"/> saying what to set.</summary>
    public async ValueTask<BedrockConnection> GetAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _connection) is { } connection)
        {
            return connection;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _connection ??= await ResolveAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<BedrockConnection> ResolveAsync(CancellationToken cancellationToken)
    {
        var region = _options.Region ?? _environment.Get("AWS_REGION") ?? _environment.Get("AWS_DEFAULT_REGION") ?? _environment.ProfileRegion();
        var endpoint = ResolveEndpoint(region);
        var apiKey = _options.ApiKey ?? _environment.Get("AWS_BEARER_TOKEN_BEDROCK");
        if (apiKey is not null)
        {
            return BedrockConnection.WithApiKey(endpoint, region, apiKey);
        }

        if (region is null)
        {
            throw NotConfigured("AWS credentials are signed for a region, and none is configured. Set Bedrock:Region or AWS_REGION (e.g. us-west-2).");
        }

        AWSCredentials credentials;
        try
        {
            credentials = await _environment.DefaultCredentials(cancellationToken).ConfigureAwait(false);

            // Fetch once now, so a profile that names an expired SSO session fails here with this message.
            _ = await credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            throw NotConfigured($"No usable AWS credentials were found for Bedrock. {ConfigureCredentialsHint} (AWSSDK: {OneLine(e.Message)})", e);
        }

        return BedrockConnection.WithCredentials(endpoint, region, credentials);
    }

    private Uri ResolveEndpoint(string? region)
    {
        foreach (var (source, value) in new[]
        {
            ("Bedrock:Endpoint", _options.Endpoint),
            ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", _environment.Get("AWS_ENDPOINT_URL_BEDROCK_RUNTIME")),
            ("AWS_ENDPOINT_URL", _environment.Get("AWS_ENDPOINT_URL")),
        })
        {
            if (value is not null)
            {
                return BedrockEndpoints.TryParse(value, out var endpoint)
                    ? endpoint
                    : throw NotConfigured($"{source} must be an absolute http or https URL without a query (was {value}).");
            }
        }

        return region is not null
            ? BedrockEndpoints.ForRegion(region)
            : throw NotConfigured("No AWS region is configured for Bedrock. Set Bedrock:Region or AWS_REGION to the region where model access " +
                "is granted (e.g. us-west-2), or AWS_ENDPOINT_URL_BEDROCK_RUNTIME to an endpoint.");
    }

    private static ChatException NotConfigured(string message, Exception? inner = null) =>
        new(ChatErrorCode.ModelNotConfigured, message, inner);

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
