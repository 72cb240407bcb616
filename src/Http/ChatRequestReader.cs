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

    /// <summary>Reads <c>{"input_text": "...", "session_id": "..."}</c>; other properties are ignored.</summary>
    public static ConversationRequest FromJson(ReadOnlySpan<byte> body)
    {
        body = body.StartsWith(Encoding.UTF8.Preamble) ? body[Encoding.UTF8.Preamble.Length..] : body;
        string? input = null;
        string? session = null;
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

        return new ConversationRequest(input, session);
    }

    /// <summary>
    /// A turn's request: the query of a <c>GET</c>, else the body, which must be JSON (415 otherwise) and is
    /// refused past <paramref name="maxBodyBytes"/>.
    /// </summary>
    public static ConversationRequest FromRequest(ChatHttpRequest request, int maxBodyBytes)
    {
        if (request.Method == "GET")
        {
            return FromQuery(request.QueryString);
        }

        if (!IsJson(request.Header("content-type")))
        {
            throw new ChatException(
                ChatErrorCode.UnsupportedMediaType,
                "The request body must be JSON, sent with content-type: application/json.");
        }

        return request.Body.Length > maxBodyBytes
            ? throw new ChatException(ChatErrorCode.RequestTooLarge, $"The request body is larger than {maxBodyBytes} bytes.")
            : FromJson(request.Body.Span);
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

    /// <summary>Reads <c>input_text</c> and <c>session_id</c> from a raw query string; absent ones are null.</summary>
    public static ConversationRequest FromQuery(string queryString) =>
        new(QueryValue(queryString, InputText, ChatErrorCode.InputInvalid), QueryValue(queryString, SessionIdName, ChatErrorCode.SessionIdInvalid));

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
