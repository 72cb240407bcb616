using System.Diagnostics.CodeAnalysis;

namespace ChatBedrock.Adapters.Bedrock;

internal static class BedrockEndpoints
{
    public static Uri ForRegion(string region) => new($"https://bedrock-runtime.{region}.amazonaws.com/");

    /// <summary>Parses an endpoint override; the result ends with '/' so operation paths append to it.</summary>
    public static bool TryParse(string value, [NotNullWhen(true)] out Uri? endpoint)
    {
        endpoint = null;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Query.Length > 0)
        {
            return false;
        }

        endpoint = uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
        return true;
    }

    /// <summary>The operation's URI; the model id is one escaped path segment, so the ':' of versions and the '/' of ARNs survive.</summary>
    public static Uri Operation(Uri endpoint, string modelId, string operation) =>
        new(endpoint, $"model/{Uri.EscapeDataString(modelId)}/{operation}");
}
