namespace ChatBedrock.Domain;

/// <summary>
/// A deliberately pessimistic token estimate, used only to bound what is sent to the model.
/// Every Unicode scalar outside ASCII (kana, kanji, emoji, accented letters) counts as one token:
/// real tokenizers spend 0.5–1.5 tokens on a Japanese character, so this never undercounts Japanese by
/// much and usually overcounts it. ASCII counts one token per 4 characters, rounded up per message,
/// and every message adds <see cref="PerMessageOverhead"/> tokens for role markers.
/// </summary>
public static class TokenEstimator
{
    /// <summary>Tokens added per message for role and separator markup.</summary>
    public const int PerMessageOverhead = 4;

    /// <summary>The estimated tokens of <paramref name="text"/> alone.</summary>
    public static int Estimate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ascii = 0;
        var other = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c < 0x80)
            {
                ascii++;
            }
            else
            {
                other++;
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                }
            }
        }

        return other + ((ascii + 3) / 4);
    }

    /// <summary>The estimated tokens of one message, including its overhead.</summary>
    public static int Estimate(ChatMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Estimate(message.Content) + PerMessageOverhead;
    }
}
