using System.Text.Json;
using ChatBedrock.Adapters.Bedrock.Wire;
using ChatBedrock.Application;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// What the first Converse call would do before its request leaves: resolve region, endpoint and credentials,
/// sign (the SigV4 signer's first use), and open the connection — a signed <c>HEAD</c> of the endpoint's root through
/// the same named client (so the same pooled handler) the model uses, whose answer (404 or 403) is ignored — and
/// the first use of the wire format's JSON metadata (a request written, an answer read).
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
        _ = JsonSerializer.SerializeToUtf8Bytes(
            new ConverseRequest([new Message("user", [new ContentBlock("warm-up")])], null, new InferenceConfiguration(1, 0, null, null), null),
            BedrockJsonContext.Default.ConverseRequest);
        _ = JsonSerializer.Deserialize("""{"output":{"message":{"role":"assistant","content":[{"text":""}]}},"stopReason":"end_turn","usage":{"inputTokens":0,"outputTokens":0}}"""u8,
            BedrockJsonContext.Default.ConverseResponse);
    }
}
