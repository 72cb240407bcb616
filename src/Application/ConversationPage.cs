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

    /// <summary>
    /// A page stops before the message that would take its text past this many characters (a first message
    /// larger alone is still its only one), so what a read holds in memory does not grow with <c>limit</c>.
    /// </summary>
    public const int MaxPageChars = 256 * 1024;

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
        var page = new PageBuilder(limit);
        var i = (int)Math.Min(Parse(cursor) ?? all.Count, all.Count) - 1;
        while (i >= 0 && page.TryAdd(all[i], Format(i)))
        {
            i--;
        }

        return page.Build(more: i >= 0);
    }

    private static ChatException LimitInvalid() =>
        new(ChatErrorCode.LimitInvalid, $"limit must be a whole number from 1 to {MaxLimit}.");
}

/// <summary>
/// Builds a page from messages offered newest first: it takes them until <c>limit</c> or
/// <see cref="PageCursor.MaxPageChars"/> would be passed, and refuses the first one that does not fit.
/// </summary>
public sealed class PageBuilder(int limit)
{
    private readonly List<PagedMessage> _newestFirst = [];
    private long _chars;

    /// <summary>Adds the next older message with its cursor; false (nothing added) when the page is full.</summary>
    public bool TryAdd(ChatMessage message, string cursor)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_newestFirst.Count >= limit || (_newestFirst.Count > 0 && _chars + message.Content.Length > PageCursor.MaxPageChars))
        {
            return false;
        }

        _newestFirst.Add(new PagedMessage(message, cursor));
        _chars += message.Content.Length;
        return true;
    }

    /// <summary>The page, oldest first; <paramref name="more"/>: older messages exist (e.g. one was refused).</summary>
    public ConversationPage Build(bool more)
    {
        _newestFirst.Reverse();
        return new ConversationPage(_newestFirst, more && _newestFirst.Count > 0 ? _newestFirst[0].Cursor : null);
    }
}
