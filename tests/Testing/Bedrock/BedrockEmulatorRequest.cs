using System.Text.Json;

namespace ChatBedrock.Testing.Bedrock;

/// <summary>A request <see cref="BedrockEmulator"/> accepted (authenticated and valid).</summary>
/// <param name="Operation">"converse" or "converse-stream".</param>
/// <param name="ModelId">The model id decoded from the path.</param>
/// <param name="RawTarget">The path exactly as sent, still percent-encoded.</param>
/// <param name="Authentication">"SigV4" or "Bearer".</param>
/// <param name="SigningRegion">The region of the SigV4 credential scope.</param>
/// <param name="SessionToken">The X-Amz-Security-Token sent, if any.</param>
/// <param name="Body">The request JSON.</param>
public sealed record BedrockEmulatorRequest(
    string Operation,
    string ModelId,
    string RawTarget,
    string Authentication,
    string? SigningRegion,
    string? SessionToken,
    JsonElement Body);
