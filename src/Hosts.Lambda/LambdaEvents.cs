using System.Text;
using System.Text.Json;
using ChatBedrock.Domain;
using ChatBedrock.Http;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>Tells Function URL events from direct invocations and turns both into HTTP requests.</summary>
internal static class LambdaEvents
{
    private static readonly KeyValuePair<string, string>[] DirectHeaders = [new("content-type", "application/json")];

    /// <summary>
    /// True for an HTTP event: a Function URL (payload 2.0) event, or a hand-made one carrying
    /// <c>queryStringParameters</c> as the seed reads them. Anything else is a direct invocation.
    /// </summary>
    public static bool IsHttpEvent(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("requestContext") || reader.ValueTextEquals("rawPath") || reader.ValueTextEquals("queryStringParameters"))
                {
                    return true;
                }

                reader.Read();
                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // Not JSON: the direct-invocation path reports it.
        }

        return false;
    }

    /// <summary>The HTTP request a Function URL event describes; a malformed event throws <see cref="ChatErrorCode.RequestInvalid"/>.</summary>
    public static ChatHttpRequest FromFunctionUrl(byte[] payload)
    {
        FunctionUrlRequest? e;
        try
        {
            e = JsonSerializer.Deserialize(payload, LambdaJsonContext.Default.FunctionUrlRequest);
        }
        catch (JsonException)
        {
            throw new ChatException(ChatErrorCode.RequestInvalid, "The Function URL event is malformed.");
        }
        catch (InvalidOperationException)
        {
            // A string of the event that is not valid Unicode.
            throw new ChatException(ChatErrorCode.RequestInvalid, "The Function URL event is not valid Unicode.");
        }

        if (e is null)
        {
            throw new ChatException(ChatErrorCode.RequestInvalid, "The Function URL event is malformed.");
        }

        // The seed's hand-made event ({"queryStringParameters": ...}, no requestContext, no rawPath) is its GET /.
        // Any other event must say what it asks for: one lacking its method or path is refused, never guessed.
        var handMade = e.RequestContext is null && e.RawPath is null;
        var method = handMade ? "GET" : e.RequestContext?.Http?.Method;
        var path = handMade ? "/" : e.RawPath;
        if (string.IsNullOrWhiteSpace(method))
        {
            throw new ChatException(ChatErrorCode.RequestInvalid, "The Function URL event has no requestContext.http.method.");
        }

        if (path is null || !path.StartsWith('/'))
        {
            throw new ChatException(ChatErrorCode.RequestInvalid, "The Function URL event has no rawPath starting with '/'.");
        }

        var headers = Headers(e);
        var query = e.RawQueryString ?? string.Join('&', (e.QueryStringParameters ?? [])
            .Where(p => p.Value is not null)
            .Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value!)}"));
        return new ChatHttpRequest(method, path, query, headers, Body(e));
    }

    /// <summary>
    /// What can be read of an event <see cref="FromFunctionUrl"/> refused (e.g. its body is not valid base64): the
    /// method, raw path and headers, each null when the event does not even give that much.
    /// </summary>
    public static (string? Method, string? Path, IEnumerable<KeyValuePair<string, string>>? Headers) ReadableParts(byte[] payload)
    {
        try
        {
            var e = JsonSerializer.Deserialize(payload, LambdaJsonContext.Default.FunctionUrlRequest);
            return e is null ? default : (e.RequestContext?.Http?.Method, e.RawPath, Headers(e));
        }
        catch (Exception problem) when (problem is JsonException or InvalidOperationException)
        {
            return default;
        }
    }

    /// <summary>
    /// A direct invocation is the seed's event <c>{"input_text", "session_id"}</c>: the same as <c>POST /</c> with it as
    /// body. Lambda's Invoke payload is JSON by contract, so it is sent as such; no browser can invoke a function
    /// directly, so it carries no Fetch Metadata and the cross-site rule lets it through.
    /// </summary>
    public static ChatHttpRequest FromDirectInvocation(byte[] payload) => new("POST", "/", headers: DirectHeaders, body: payload);

    private static KeyValuePair<string, string>[] Headers(FunctionUrlRequest e) =>
        [.. (e.Headers ?? []).Where(h => h.Value is not null).Select(h => new KeyValuePair<string, string>(h.Key, h.Value!))];

    private static byte[] Body(FunctionUrlRequest e)
    {
        if (e.Body is null)
        {
            return [];
        }

        if (!e.IsBase64Encoded)
        {
            return Encoding.UTF8.GetBytes(e.Body);
        }

        try
        {
            return Convert.FromBase64String(e.Body);
        }
        catch (FormatException)
        {
            throw new ChatException(ChatErrorCode.RequestInvalid, "The request body is marked base64 but is not valid base64.");
        }
    }
}
