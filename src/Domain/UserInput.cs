using System.Text;

namespace ChatBedrock.Domain;

/// <summary>The input rules: text is required, not whitespace only, valid Unicode, and at most a maximum length.</summary>
public static class UserInput
{
    /// <summary>The default maximum length, in Unicode scalar values (an emoji counts once).</summary>
    public const int DefaultMaxLength = 16_000;

    /// <summary>Returns <paramref name="text"/> unchanged when it keeps the rules; otherwise throws <see cref="ChatException"/>.</summary>
    public static string Validate(string? text, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 1);
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new ChatException(ChatErrorCode.InputMissing, "input_text is required and must not be blank.");
        }

        // UTF-16 length is an upper bound of the scalar count: only count when it could matter.
        if (text.Length > maxLength && CountScalars(text) > maxLength)
        {
            throw new ChatException(ChatErrorCode.InputTooLong, $"input_text is longer than {maxLength} characters.");
        }

        if (Utf16.HasLoneSurrogate(text))
        {
            throw new ChatException(ChatErrorCode.InputInvalid, "input_text is not valid Unicode (it contains a lone surrogate).");
        }

        return text;
    }

    private static int CountScalars(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
