using System.Net.Http.Headers;
using System.Text.Json;
using Amazon.Runtime;
using ChatBedrock.Adapters.Bedrock.Wire;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>
/// The Bedrock Runtime HTTP API: Converse and ConverseStream, signed, with failures raised as
/// <see cref="ChatException"/>. The only class that knows the transport; AWSSDK.BedrockRuntime's client
/// could replace it (see ADR 0020).
/// </summary>
internal sealed class BedrockRuntimeClient
{
    public const string HttpClientName = "ChatBedrock.Bedrock";

    private const string JsonContentType = "application/json";
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly IHttpClientFactory _httpClientFactory;
    private readonly BedrockConnectionResolver _connections;
    private readonly ILogger<BedrockRuntimeClient> _logger;

    public BedrockRuntimeClient(IHttpClientFactory httpClientFactory, BedrockConnectionResolver connections, ILogger<BedrockRuntimeClient> logger)
    {
        _httpClientFactory = httpClientFactory;
        _connections = connections;
        _logger = logger;
    }

    public async Task<ConverseResponse> ConverseAsync(string modelId, ConverseRequest request, CancellationToken cancellationToken)
    {
        var (response, _) = await SendAsync(modelId, "converse", request, cancellationToken).ConfigureAwait(false);
        using (response)
        {
            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    return await JsonSerializer.DeserializeAsync(stream, BedrockJsonContext.Default.ConverseResponse, cancellationToken).ConfigureAwait(false)
                        ?? throw new JsonException("The response body is null.");
                }
            }
            catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
            {
                throw new ChatException(ChatErrorCode.ModelUnavailable, $"Bedrock's answer from model {modelId} could not be read ({e.Message}).", e);
            }
        }
    }

    /// <summary>Starts ConverseStream; the caller owns the returned session and reads its events.</summary>
    public async Task<ConverseStreamSession> ConverseStreamAsync(string modelId, ConverseRequest request, CancellationToken cancellationToken)
    {
        var (response, connection) = await SendAsync(modelId, "converse-stream", request, cancellationToken).ConfigureAwait(false);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return new ConverseStreamSession(response, body, modelId, connection.Region, _logger);
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            response.Dispose();
            throw Unreachable(connection, e);
        }
    }

    private async Task<(HttpResponseMessage Response, BedrockConnection Connection)> SendAsync(
        string modelId, string operation, ConverseRequest body, CancellationToken cancellationToken)
    {
        var connection = await _connections.GetAsync(cancellationToken).ConfigureAwait(false);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, BedrockJsonContext.Default.ConverseRequest);
        using var request = new HttpRequestMessage(HttpMethod.Post, BedrockEndpoints.Operation(connection.Endpoint, modelId, operation))
        {
            Content = new ByteArrayContent(bytes),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonContentType);
        try
        {
            await connection.AuthenticateAsync(request, bytes, JsonContentType, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonClientException e)
        {
            // Temporary credentials that can no longer be refreshed (an expired SSO session, a lost role).
            throw new ChatException(ChatErrorCode.ModelNotConfigured,
                $"AWS credentials could not be refreshed for Bedrock ({e.Message}). {BedrockConnectionResolver.ConfigureCredentialsHint}", e);
        }

        HttpResponseMessage response;
        try
        {
            response = await _httpClientFactory.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(connection, e);
        }

        if (response.IsSuccessStatusCode)
        {
            return (response, connection);
        }

        using (response)
        {
            throw await ReadErrorAsync(response, modelId, connection.Region, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ChatException> ReadErrorAsync(HttpResponseMessage response, string modelId, string? region, CancellationToken cancellationToken)
    {
        ErrorBody? body = null;
        try
        {
            var bytes = await ReadLimitedAsync(response.Content, cancellationToken).ConfigureAwait(false);
            body = JsonSerializer.Deserialize(bytes, BedrockJsonContext.Default.ErrorBody);
        }
        catch (Exception e) when (e is JsonException or IOException or HttpRequestException)
        {
            // The status and the error-type header still say enough.
        }

        var headerType = response.Headers.TryGetValues("x-amzn-ErrorType", out var values) ? values.FirstOrDefault() : null;
        var type = BedrockErrors.ParseType(headerType) ?? BedrockErrors.ParseType(body?.Type);
        return BedrockErrors.Map(_logger, type, (int)response.StatusCode, body?.Message, modelId, region, response.Headers.RetryAfter?.Delta);
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[MaxErrorBodyBytes];
            var length = 0;
            int read;
            while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false)) > 0)
            {
                length += read;
            }

            return buffer[..length];
        }
    }


    private static ChatException Unreachable(BedrockConnection connection, Exception e) =>
        new(ChatErrorCode.ModelUnavailable, $"Bedrock at {connection.Endpoint} could not be reached ({e.Message}).", e);
}
