using System.Net.Http.Headers;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>Where Bedrock is and how to authenticate to it, resolved once from options and environment.</summary>
internal sealed class BedrockConnection
{
    private const string SigningService = "bedrock";

    private readonly string? _apiKey;
    private readonly AWSCredentials? _credentials;
    private readonly RegionEndpoint? _signingRegion;

    private BedrockConnection(Uri endpoint, string? region, string? apiKey, AWSCredentials? credentials)
    {
        Endpoint = endpoint;
        Region = region;
        _apiKey = apiKey;
        _credentials = credentials;
        _signingRegion = region is null ? null : RegionEndpoint.GetBySystemName(region);
    }

    public Uri Endpoint { get; }

    public string? Region { get; }

    public string Authentication => _apiKey is null ? "AWS credentials (SigV4)" : "a Bedrock API key";

    public static BedrockConnection WithApiKey(Uri endpoint, string? region, string apiKey) => new(endpoint, region, apiKey, null);

    public static BedrockConnection WithCredentials(Uri endpoint, string region, AWSCredentials credentials) => new(endpoint, region, null, credentials);

    /// <summary>Adds the Authorization header (and, for SigV4, the date, payload hash and session token it signs).</summary>
    public async ValueTask AuthenticateAsync(HttpRequestMessage request, byte[] body, string contentType, CancellationToken cancellationToken)
    {
        if (_apiKey is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _apiKey);
            return;
        }

        var signing = new AWSSigningRequest { HttpMethod = request.Method, RequestUri = request.RequestUri, Content = body };
        signing.Headers["content-type"] = contentType;
        var parameters = new AWSSigV4Parameters { Credentials = _credentials, Region = _signingRegion, Service = SigningService };
        var signed = await AWSSigV4Signer.SignAsync(signing, parameters, cancellationToken).ConfigureAwait(false);
        foreach (var (name, value) in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
