using System.Globalization;
using ChatBedrock.Domain;

namespace ChatBedrock.Application;

/// <summary>One stored message of a page, with the cursor that continues before it (with the messages older than it).</summary>
public sealed record PagedMessage(ChatMessage Message, string Cursor);

/// <summary>
/// The newest messages of a session before a cursor, oldest first; <see cref="Next"/> is the cursor of the
/// older messages, or null when there are none.
/// </summary>
public sealed record ConversationPage(IReadOnlyList<PagedMessage> Messages, string? Next)
{
    public static ConversationPage Empty { get; } = new([], null);
}

/// <summary>
/// Paging rules every store shares. A cursor is opaque to clients; here it is a store position (an index,
/// a sequence, a turn number times two) written in decimal, and a page holds the messages whose position is
/// below it. A client can only send back what an answer gave it: anything else is <see cref="ChatErrorCode.CursorInvalid"/>.
/// </summary>
public static class PageCursor
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    // long.MaxValue has 19 digits.
    private const int MaxDigits = 19;

    public static string Format(long position) => position.ToString(CultureInfo.InvariantCulture);

    /// <summary>The position a cursor stands for; null for no cursor (the newest page).</summary>
    public static long? Parse(string? cursor)
    {
        if (cursor is null)
        {
            return null;
        }

        if (cursor.Length is 0 or > MaxDigits || !cursor.All(char.IsAsciiDigit)
            || !long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var position))
        {
            throw new ChatException(ChatErrorCode.CursorInvalid, "before is not a cursor this service handed out; use the next value of an earlier page.");
        }

        return position;
    }

    /// <summary>A page size as a client sent it (text, from a query): null is the default; otherwise 1 to <see cref="MaxLimit"/>.</summary>
    public static int ParseLimit(string? limit)
    {
        if (limit is null)
        {
            return DefaultLimit;
        }

        return limit.Length is > 0 and <= 4 && limit.All(char.IsAsciiDigit) && int.Parse(limit, CultureInfo.InvariantCulture) is var value
            ? ValidateLimit(value)
            : throw LimitInvalid();
    }

    public static int ValidateLimit(int limit) => limit is >= 1 and <= MaxLimit ? limit : throw LimitInvalid();

    /// <summary>
    /// The page of <paramref name="all"/> (a whole history, oldest first, positions its indexes) before
    /// <paramref name="cursor"/>: for stores that hold the history in one piece anyway.
    /// </summary>
    public static ConversationPage Slice(IReadOnlyList<ChatMessage> all, int limit, string? cursor)
    {
        ArgumentNullException.ThrowIfNull(all);
        var end = (int)Math.Min(Parse(cursor) ?? all.Count, all.Count);
        var start = Math.Max(0, end - limit);
        var messages = new PagedMessage[end - start];
        for (var i = start; i < end; i++)
        {
            messages[i - start] = new PagedMessage(all[i], Format(i));
        }

        return new ConversationPage(messages, start > 0 ? Format(start) : null);
    }

    private static ChatException LimitInvalid() =>
        new(ChatErrorCode.LimitInvalid, $"limit must be a whole number from 1 to {MaxLimit}.");
}
