using System.Buffers;
using System.Text;

namespace ChatBedrock.Http;

/// <summary>
/// The one decoding of percent-encoded text (query values and path segments): escapes become bytes, and the
/// bytes must be UTF-8, strictly. A <c>%</c> without two hex digits, bytes that are not UTF-8 (an encoded lone
/// surrogate among them) and raw lone surrogates are refused instead of being kept as they were, so no text
/// reaches the model or a store that JSON would have refused, and no malformed encoding aliases another id
/// (<c>%FF</c> kept literally would be the id <c>%25FF</c>).
/// </summary>
internal static class PercentEncoding
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <param name="text">The raw text, as sent.</param>
    /// <param name="plusIsSpace">True for a query (form encoding), where <c>+</c> is a space; false for a path.</param>
    /// <param name="decoded">The text, decoded; null when it cannot be.</param>
    public static bool TryDecode(string text, bool plusIsSpace, out string? decoded)
    {
        decoded = null;
        var bytes = new ArrayBufferWriter<byte>(Math.Max(1, text.Length));
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '%')
            {
                if (i + 2 >= text.Length || !Uri.IsHexDigit(text[i + 1]) || !Uri.IsHexDigit(text[i + 2]))
                {
                    return false;
                }

                bytes.Write([(byte)((HexValue(text[i + 1]) << 4) | HexValue(text[i + 2]))]);
                i += 2;
            }
            else if (c == '+' && plusIsSpace)
            {
                bytes.Write(" "u8);
            }
            else if (c < 0x80)
            {
                bytes.Write([(byte)c]);
            }
            else
            {
                // A raw character (a host may hand over decoded text): its UTF-8, unless it is a lone surrogate.
                if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed) != OperationStatus.Done)
                {
                    return false;
                }

                bytes.Write(utf8[..rune.EncodeToUtf8(utf8)]);
                i += consumed - 1;
            }
        }

        try
        {
            decoded = Strict.GetString(bytes.WrittenSpan);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
