using System.Text;

namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>
/// Passes streamed answer text through while holding back any tail that could still become a stop
/// sequence, so a stop sequence is never shown in part and never shown at all once it completes.
/// </summary>
internal sealed class StopSequenceFilter
{
    private readonly string[] _stops;
    private readonly StringBuilder _pending = new();

    public StopSequenceFilter(IEnumerable<string> stopSequences)
    {
        _stops = stopSequences.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Whether a stop sequence has been seen; nothing more is accepted then.</summary>
    public bool Stopped { get; private set; }

    /// <summary>Adds decoded text and returns the part that is safe to show now (possibly empty).</summary>
    public string Push(string text)
    {
        if (Stopped)
        {
            throw new InvalidOperationException("A stop sequence was already seen.");
        }

        _pending.Append(text);
        if (_stops.Length == 0)
        {
            return Take(_pending.Length);
        }

        var pending = _pending.ToString();
        var stopAt = _stops.Select(s => pending.IndexOf(s, StringComparison.Ordinal)).Where(i => i >= 0).DefaultIfEmpty(-1).Min();
        if (stopAt >= 0)
        {
            Stopped = true;
            var before = pending[..stopAt];
            _pending.Clear();
            return before;
        }

        var safe = pending.Length - _stops.Max(s => LongestPrefixAtEnd(pending, s));
        if (safe > 0 && char.IsHighSurrogate(pending[safe - 1]))
        {
            safe--;
        }

        return Take(safe);
    }

    /// <summary>Returns what is still held back: the answer ended without completing a stop sequence.</summary>
    public string Flush() => Take(_pending.Length);

    private string Take(int length)
    {
        var taken = _pending.ToString(0, length);
        _pending.Remove(0, length);
        return taken;
    }

    // The length of the longest proper prefix of stop that text ends with.
    private static int LongestPrefixAtEnd(string text, string stop)
    {
        for (var length = Math.Min(stop.Length - 1, text.Length); length > 0; length--)
        {
            if (text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
            {
                return length;
            }
        }

        return 0;
    }
}
