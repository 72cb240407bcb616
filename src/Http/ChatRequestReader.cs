using System.Text;
using System.Text.Json;
using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Http;

/// <summary>Reads a chat request from a JSON body or a query string, with errors that say what to fix.</summary>
internal static class ChatRequestReader
{
    private const string InputText = "input_text";
    private const string SessionIdName = "session_id";
    private const string RequestIdName = "request_id";

    /// <summary>The header that carries a turn's idempotency key, as an alternative to <c>request_id</c>.</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Reads <c>{"input_text": "...", "session_id": "...", "request_id": "..."}</c>; other properties are ignored.</summary>
    public static ConversationRequest FromJson(ReadOnlySpan<byte> body)
    {
        body = body.StartsWith(Encoding.UTF8.Preamble) ? body[Encoding.UTF8.Preamble.Length..] : body;
        string? input = null;
        string? session = null;
        string? requestId = null;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Invalid("The request body must be a JSON object such as {\"input_text\": \"Hello\"}.");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals(InputText))
                {
                    input = ReadString(ref reader, InputText, ChatErrorCode.InputInvalid);
                }
                else if (reader.ValueTextEquals(SessionIdName))
                {
                    session = ReadString(ref reader, SessionIdName, ChatErrorCode.SessionIdInvalid);
                }
                else if (reader.ValueTextEquals(RequestIdName))
                {
                    requestId = ReadString(ref reader, RequestIdName, ChatErrorCode.RequestIdInvalid);
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            if (reader.Read())
            {
                throw Invalid("The request body must hold one JSON object and nothing after it.");
            }
        }
        catch (JsonException)
        {
            throw Invalid("The request body is not valid JSON.");
        }

        return new ConversationRequest(input, session, requestId);
    }

    /// <summary>
    /// <c>application/json</c>, with no parameter but an optional UTF-8 <c>charset</c>. A body without a content
    /// type is refused too: browsers send one without a preflight, and every client that sends JSON can say so.
    /// </summary>
    internal static bool IsJson(string? contentType)
    {
        if (contentType is null)
        {
            return false;
        }

        var parts = contentType.Split(';', StringSplitOptions.TrimEntries);
        if (!parts[0].Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var parameter in parts.Skip(1))
        {
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            var isUtf8Charset = equals > 0
                && parameter[..equals].Trim().Equals("charset", StringComparison.OrdinalIgnoreCase)
                && parameter[(equals + 1)..].Trim().Trim('"').Equals("utf-8", StringComparison.OrdinalIgnoreCase);
            if (!isUtf8Charset && parameter.Length > 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A turn's request: the query of a <c>GET</c>, else the body, which must be JSON (415 otherwise) and is
    /// refused past <paramref name="maxBodyBytes"/>.
    /// </summary>
    /// <remarks>
    /// The idempotency key comes from the <c>Idempotency-Key</c> header or the <c>request_id</c> field (query or
    /// JSON); both may be sent only when they agree.
    /// </remarks>
    public static ConversationRequest FromRequest(ChatHttpRequest request, int maxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Method != "GET" && !IsJson(request.Header("content-type")))
        {
            throw new ChatException(
                ChatErrorCode.UnsupportedMediaType,
                "The request body must be JSON, sent with content-type: application/json.");
        }

        var turn = request.Method == "GET" ? FromQuery(request.QueryString)
            : request.Body.Length > maxBodyBytes ? throw new ChatException(ChatErrorCode.RequestTooLarge, $"The request body is larger than {maxBodyBytes} bytes.")
            : FromJson(request.Body.Span);
        if (request.Header(IdempotencyKeyHeader) is not { } header)
        {
            return turn;
        }


        return turn.RequestId is null || turn.RequestId == header
            ? turn with { RequestId = header }
            : throw new ChatException(ChatErrorCode.RequestIdInvalid, "The Idempotency-Key header and request_id differ; send one key.");
    }

    /// <summary>Reads <c>input_text</c>, <c>session_id</c> and <c>request_id</c> from a raw query string; absent ones are null.</summary>
    public static ConversationRequest FromQuery(string queryString) =>
        new(QueryValue(queryString, InputText, ChatErrorCode.InputInvalid), QueryValue(queryString, SessionIdName, ChatErrorCode.SessionIdInvalid), QueryValue(queryString, RequestIdName, ChatErrorCode.RequestIdInvalid));

    /// <summary>Whether the raw query names <paramref name="name"/>.</summary>
    public static bool HasQueryKey(string queryString, string name) => FindQueryValue(queryString, name, out _);

    /// <summary>
    /// The first value of <paramref name="name"/> in a raw query, decoded (<see cref="PercentEncoding"/>); null when
    /// absent; refused with <paramref name="invalid"/> when it is not valid percent-encoded UTF-8.
    /// </summary>
    public static string? QueryValue(string queryString, string name, ChatErrorCode invalid)
    {
        if (!FindQueryValue(queryString, name, out var raw))
        {
            return null;
        }

        return PercentEncoding.TryDecode(raw, plusIsSpace: true, out var value)
            ? value
            : throw new ChatException(invalid, $"{name} is not valid Unicode: its percent-encoding is not UTF-8.");
    }

    private static bool FindQueryValue(string queryString, string name, out string raw)
    {
        foreach (var pair in queryString.Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (PercentEncoding.TryDecode(equals < 0 ? pair : pair[..equals], plusIsSpace: true, out var key) && key == name)
            {
                raw = equals < 0 ? string.Empty : pair[(equals + 1)..];
                return true;
            }
        }

        raw = string.Empty;
        return false;
    }

    private static string? ReadString(ref Utf8JsonReader reader, string name, ChatErrorCode invalidText)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            case JsonTokenType.String:
                try
                {
                    return reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    // An escaped lone surrogate or bytes that are not UTF-8.
                    throw new ChatException(invalidText, $"{name} is not valid Unicode.");
                }

            default:
                reader.Skip();
                throw Invalid($"{name} must be a string.");
        }
    }

    private static ChatException Invalid(string message) => new(ChatErrorCode.RequestInvalid, message);
}
