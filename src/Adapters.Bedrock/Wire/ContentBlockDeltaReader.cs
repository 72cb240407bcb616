using System.Text.Json;

namespace ChatBedrock.Adapters.Bedrock.Wire;

/// <summary>
/// Reads <c>delta.text</c> of a contentBlockDelta event (<c>{"contentBlockIndex":0,"delta":{"text":"…"},"p":"…"}</c>).
/// It runs once per token, so it allocates only the text; other fields, padding included, are skipped.
/// </summary>
internal static class ContentBlockDeltaReader
{
    /// <summary>The text, or null when the delta carries none (e.g. a tool-use delta).</summary>
    /// <exception cref="JsonException">The payload is not JSON.</exception>
    public static string? ReadText(ReadOnlySpan<byte> payload)
    {
        var reader = new Utf8JsonReader(payload);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject || !MoveToProperty(ref reader, "delta"u8)
            || !reader.Read() || reader.TokenType != JsonTokenType.StartObject || !MoveToProperty(ref reader, "text"u8))
        {
            return null;
        }

        reader.Read();
        return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
    }

    /// <summary>From the start of an object, moves onto the name of its property <paramref name="name"/>, skipping others.</summary>
    private static bool MoveToProperty(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(name))
            {
                return true;
            }

            reader.Skip();
        }

        return false;
    }
}
