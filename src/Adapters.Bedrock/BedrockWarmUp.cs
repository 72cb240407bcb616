using ChatBedrock.Application;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// What the first Converse call would do before its request leaves: resolve region, endpoint and credentials,
/// sign (the SigV4 signer's first use), and open the connection — a signed <c>HEAD</c> of the endpoint's root through
/// the same named client (so the same pooled handler) the model uses, whose answer (404 or 403) is ignored.
/// </summary>
internal sealed class BedrockWarmUp(BedrockConnectionResolver connections, IHttpClientFactory httpClientFactory) : IWarmUp
{
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        var connection = await connections.GetAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Head, connection.Endpoint);
        await connection.AuthenticateAsync(request, [], "application/json", cancellationToken).ConfigureAwait(false);
        using var response = await httpClientFactory.CreateClient(BedrockRuntimeClient.HttpClientName)
            .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
    }
}
