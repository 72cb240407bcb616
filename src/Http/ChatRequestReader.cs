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

    /// <summary>A turn's request: the query of a <c>GET</c>, else the JSON body, refused past <paramref name="maxBodyBytes"/>.</summary>
    /// <remarks>
    /// The idempotency key comes from the <c>Idempotency-Key</c> header or the <c>request_id</c> field (query or
    /// JSON); both may be sent only when they agree.
    /// </remarks>
    public static ConversationRequest FromRequest(ChatHttpRequest request, int maxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(request);
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
        new(QueryValue(queryString, InputText), QueryValue(queryString, SessionIdName), QueryValue(queryString, RequestIdName));

    /// <summary>The first value of <paramref name="name"/> in a raw query, decoded; null when absent.</summary>
    public static string? QueryValue(string queryString, string name)
    {
        foreach (var pair in queryString.Split('&'))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Decode(equals < 0 ? pair : pair[..equals]);
            if (key == name)
            {
                return equals < 0 ? string.Empty : Decode(pair[(equals + 1)..]);
            }
        }

        return null;
    }

    private static string Decode(string component) => Uri.UnescapeDataString(component.Replace('+', ' '));

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
