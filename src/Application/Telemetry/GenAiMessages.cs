using System.Buffers;
using System.Text;
using System.Text.Json;
using ChatBedrock.Domain;

namespace ChatBedrock.Application.Telemetry;

/// <summary>
/// Messages as the GenAI conventions' JSON attributes (<c>[{"role":"user","parts":[{"type":"text","content":"…"}]}]</c>),
/// written by hand so no reflection-based serializer is needed.
/// </summary>
internal static class GenAiMessages
{
    public static string Instructions(string systemPrompt) => Write(writer =>
    {
        writer.WriteStartArray();
        TextPart(writer, systemPrompt);
        writer.WriteEndArray();
    });

    public static string Input(IReadOnlyList<ChatMessage> messages) => Write(writer =>
    {
        writer.WriteStartArray();
        foreach (var message in messages)
        {
            Message(writer, ChatRoles.Name(message.Role), message.Content, finishReason: null);
        }

        writer.WriteEndArray();
    });

    public static string Output(string text, string finishReason) => Write(writer =>
    {
        writer.WriteStartArray();
        Message(writer, "assistant", text, finishReason);
        writer.WriteEndArray();
    });

    private static void Message(Utf8JsonWriter writer, string role, string text, string? finishReason)
    {
        writer.WriteStartObject();
        writer.WriteString("role", role);
        writer.WriteStartArray("parts");
        TextPart(writer, text);
        writer.WriteEndArray();
        if (finishReason is not null)
        {
            writer.WriteString("finish_reason", finishReason);
        }

        writer.WriteEndObject();
    }

    private static void TextPart(Utf8JsonWriter writer, string text)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "text");
        writer.WriteString("content", text);
        writer.WriteEndObject();
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
