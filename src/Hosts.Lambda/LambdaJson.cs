using System.Text.Json.Serialization;
using ChatBedrock.Http;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>A Function URL request, payload format 2.0 (also API Gateway HTTP API's): only the fields the host uses.</summary>
internal sealed class FunctionUrlRequest
{
    public string? RawPath { get; set; }

    public string? RawQueryString { get; set; }

    public Dictionary<string, string?>? Headers { get; set; }

    public Dictionary<string, string?>? QueryStringParameters { get; set; }

    public string? Body { get; set; }

    public bool IsBase64Encoded { get; set; }

    public FunctionUrlRequestContext? RequestContext { get; set; }
}

internal sealed class FunctionUrlRequestContext
{
    public FunctionUrlHttp? Http { get; set; }
}

internal sealed class FunctionUrlHttp
{
    public string? Method { get; set; }
}

/// <summary>A buffered Function URL response, payload format 2.0.</summary>
internal sealed record FunctionUrlResponse(int StatusCode, Dictionary<string, string> Headers, string Body, bool IsBase64Encoded);

/// <summary>The JSON prelude of a streamed Function URL response, sent before 8 NUL bytes and the body.</summary>
internal sealed record StreamingPrelude(int StatusCode, Dictionary<string, string> Headers, IReadOnlyList<string> Cookies);

/// <summary>The error document of the Runtime API's error endpoints and of a streamed response's error trailer.</summary>
internal sealed record RuntimeError(string ErrorType, string ErrorMessage, IReadOnlyList<string> StackTrace)
{
    /// <summary>How an invocation's failure is told to Lambda: its error type and message, never a stack trace.</summary>
    public static RuntimeError From(ChatHttpError error) => new(error.Type, error.Message, []);
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(FunctionUrlRequest))]
[JsonSerializable(typeof(FunctionUrlResponse))]
[JsonSerializable(typeof(StreamingPrelude))]
[JsonSerializable(typeof(RuntimeError))]
internal sealed partial class LambdaJsonContext : JsonSerializerContext;
