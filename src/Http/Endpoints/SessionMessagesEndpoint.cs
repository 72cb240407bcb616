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
            var limit = PageCursor.ParseLimit(ChatRequestReader.QueryValue(query, "limit", ChatErrorCode.LimitInvalid));
            var before = ChatRequestReader.QueryValue(query, "before", ChatErrorCode.CursorInvalid);
            var id = context.Values.Decode("id", ChatErrorCode.SessionIdInvalid, "session id");
            transcript = await read.ExecuteAsync(id, limit, before, context.CancellationToken).ConfigureAwait(false);
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
    /// Two passes (measure newest first, then write oldest first) so only the body itself is held, not a copy
    /// of every message's JSON.
    /// </summary>
    internal static byte[] Serialize(ConversationTranscript transcript)
    {
        var options = new JsonWriterOptions { Encoder = ChatJsonContext.Wire.Options.Encoder };
        var scratch = new ArrayBufferWriter<byte>();
        var size = EnvelopeBytes + transcript.SessionId.Value.Length * MaxBytesPerChar + (transcript.Next?.Length ?? 0);
        var first = transcript.Page.Count;
        var next = transcript.Next;
        var cut = -1;
        for (var i = transcript.Page.Count - 1; i >= 0; i--)
        {
            var message = transcript.Page[i].Message;
            scratch.ResetWrittenCount();
            using (var measure = new Utf8JsonWriter(scratch, options))
            {
                Write(measure, message.Role, message.Content, truncated: false, message.Interrupted);
            }

            if (size + scratch.WrittenCount + 1 > MaxBodyBytes)
            {
                if (first == transcript.Page.Count)
                {
                    // Alone too large: cut, so the page still moves on; the rest of it goes to the next page.
                    cut = (MaxBodyBytes - size) / MaxBytesPerChar;
                    first = i;
                    next = i > 0 ? transcript.Page[i].Cursor : transcript.Next;
                }
                else
                {
                    next = transcript.Page[first].Cursor;
                }

                break;
            }

            size += scratch.WrittenCount + 1;
            first = i;
        }

        var buffer = new ArrayBufferWriter<byte>(Math.Min(size, MaxBodyBytes));
        using (var writer = new Utf8JsonWriter(buffer, options))
        {
            writer.WriteStartObject();
            writer.WriteString("session_id", transcript.SessionId.Value);
            writer.WriteStartArray("messages");
            for (var i = first; i < transcript.Page.Count; i++)
            {
                var message = transcript.Page[i].Message;
                var truncated = cut >= 0 && i == first && message.Content.Length > cut;
                Write(writer, message.Role, truncated ? Cut(message.Content, cut) : message.Content, truncated, message.Interrupted);
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

    private static void Write(Utf8JsonWriter writer, ChatRole role, string content, bool truncated, bool interrupted)
    {
        writer.WriteStartObject();
        writer.WriteString("role", ChatRoles.Name(role));
        writer.WriteString("content", content);
        if (interrupted)
        {
            // An answer the client stopped (what had arrived was kept); omitted on whole answers.
            writer.WriteBoolean("interrupted", true);
        }

        if (truncated)
        {
            writer.WriteBoolean("truncated", true);
        }

        writer.WriteEndObject();
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
