using System.Buffers;
using System.Text.Json;
using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Http.Endpoints;

/// <summary>
/// <c>GET /sessions/{id}/messages?limit=&amp;before=</c>: one page of the conversation, the newest first,
/// oldest first within it, and <c>next</c>, the <c>before</c> of the older page (null: none); 404 when the
/// session has no messages. The body never passes <see cref="MaxBodyBytes"/>: the messages that do not fit go
/// to the next page, so every host's limit holds by construction (README, "Reading a session").
/// </summary>
internal sealed class SessionMessagesEndpoint(ReadConversation read) : IChatEndpoint
{
    /// <summary>
    /// 1 MiB. A Lambda Function URL answer re-escapes the body inside its JSON envelope, at most 4 bytes per
    /// byte (a <c>\"</c> becomes <c>\\\u0022</c>), so a buffered answer stays under Lambda's 6 MB and a streamed
    /// one far under 20 MB, whatever the store holds; a local host holds at most this much per read in flight.
    /// </summary>
    internal const int MaxBodyBytes = 1024 * 1024;

    // Room for the envelope ({"session_id": …, "messages": [], "next": …}) and one message's own fields.
    private const int EnvelopeBytes = 2048;

    // The longest a character can get in the body: \u0022 and other escapes take 6 bytes.
    private const int MaxBytesPerChar = 6;

    public async Task<ChatHttpError?> HandleAsync(ChatEndpointContext context)
    {
        ConversationTranscript transcript;
        try
        {
            var query = context.Request.QueryString;
            var limit = PageCursor.ParseLimit(ChatRequestReader.QueryValue(query, "limit"));
            var before = ChatRequestReader.QueryValue(query, "before");
            transcript = await read.ExecuteAsync(context.Values["id"], limit, before, context.CancellationToken).ConfigureAwait(false);
            if (transcript.Page.Count == 0 && before is null)
            {
                return await context.WriteErrorAsync(ChatHttpError.NotFound("This session has no messages.")).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            return await context.WriteErrorAsync(exception).ConfigureAwait(false);
        }

        return await context.WriteJsonAsync(200, Serialize(transcript)).ConfigureAwait(false);
    }

    /// <summary>
    /// The page's newest messages that fit in <see cref="MaxBodyBytes"/>; <c>next</c> then starts at the oldest
    /// one written. A newest message too large alone is cut, marked <c>truncated</c>, so a page is never empty.
    /// </summary>
    internal static byte[] Serialize(ConversationTranscript transcript)
    {
        var written = new List<byte[]>();
        var size = EnvelopeBytes + transcript.SessionId.Value.Length * MaxBytesPerChar + (transcript.Next?.Length ?? 0);
        var next = transcript.Next;
        for (var i = transcript.Page.Count - 1; i >= 0; i--)
        {
            var message = transcript.Page[i].Message;
            var json = ChatJsonContext.Serialize(new MessageBody(ChatRoles.Name(message.Role), message.Content), c => c.MessageBody);
            if (size + json.Length + 1 > MaxBodyBytes)
            {
                if (written.Count == 0)
                {
                    json = ChatJsonContext.Serialize(new MessageBody(ChatRoles.Name(message.Role), Cut(message.Content, (MaxBodyBytes - size) / MaxBytesPerChar), Truncated: true), c => c.MessageBody);
                    written.Add(json);
                    next = i > 0 ? transcript.Page[i].Cursor : transcript.Next;
                }
                else
                {
                    next = transcript.Page[i + 1].Cursor;
                }

                break;
            }

            size += json.Length + 1;
            written.Add(json);
        }

        var buffer = new ArrayBufferWriter<byte>(Math.Min(size, MaxBodyBytes));
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = ChatJsonContext.Wire.Options.Encoder }))
        {
            writer.WriteStartObject();
            writer.WriteString("session_id", transcript.SessionId.Value);
            writer.WriteStartArray("messages");
            for (var i = written.Count - 1; i >= 0; i--)
            {
                writer.WriteRawValue(written[i], skipInputValidation: true);
            }

            writer.WriteEndArray();
            if (next is null)
            {
                writer.WriteNull("next");
            }
            else
            {
                writer.WriteString("next", next);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The first <paramref name="length"/> characters, never ending inside a surrogate pair.</summary>
    private static string Cut(string text, int length)
    {
        if (text.Length <= length)
        {
            return text;
        }

        return char.IsHighSurrogate(text[length - 1]) ? text[..(length - 1)] : text[..length];
    }
}
