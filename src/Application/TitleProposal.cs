using ChatBedrock.Domain;

namespace ChatBedrock.Application;

/// <summary>A short title for a new conversation, asked of the model in one small extra call (<see cref="ConversationOptions.ProposeTitles"/>).</summary>
internal static class TitleProposal
{
    /// <summary>The longest title kept, in UTF-16 code units; a longer proposal is cut at a word.</summary>
    public const int MaxLength = 80;

    private const string Instruction =
        "Reply with only a short title (at most six words, no quotes, no final full stop) for a conversation that begins with this message. Use the message's language.";

    private static readonly ModelSettings Settings = new() { MaxTokens = 30, Temperature = 0.2 };

    /// <summary>The title, or null when the model fails or proposes nothing usable: a title is never worth failing a turn.</summary>
    public static async Task<string?> ProposeAsync(ILanguageModel model, string firstMessage, Action<Exception> failed, CancellationToken cancellationToken)
    {
        try
        {
            var request = new ModelRequest(Instruction, [ChatMessage.User(firstMessage)], Settings);
            var response = await model.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
            return Clean(response.Text);
        }
        catch (ChatException exception)
        {
            failed(exception);
            return null;
        }
    }

    /// <summary>The first non-blank line, without surrounding quotes, Markdown marks or a final full stop; at most <see cref="MaxLength"/>.</summary>
    internal static string? Clean(string text)
    {
        var line = text.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        if (line is null)
        {
            return null;
        }

        line = line.Trim('"', '\'', '“', '”', '「', '」', '*', '#', ' ').TrimEnd('.', '。');
        if (line.Length > MaxLength)
        {
            var cut = line.LastIndexOf(' ', MaxLength);
            cut = cut > MaxLength / 2 ? cut : char.IsHighSurrogate(line[MaxLength - 1]) ? MaxLength - 1 : MaxLength;
            line = line[..cut].TrimEnd() + "…";
        }

        return line.Length == 0 ? null : line;
    }
}
