namespace ChatBedrock.Domain;

internal static class Utf16
{
    /// <summary>True when <paramref name="text"/> has a surrogate that is not half of a valid pair.</summary>
    public static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
