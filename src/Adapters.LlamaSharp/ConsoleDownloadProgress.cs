using System.Globalization;

namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>
/// Draws a download's progress as a text bar, redrawn in place on a terminal, or as a line every
/// 10 % when the output is redirected to a file or a log.
/// </summary>
public sealed class ConsoleDownloadProgress : IProgress<DownloadProgress>
{
    private const int Width = 30;
    private readonly TextWriter _writer;
    private readonly bool _redrawInPlace;
    private readonly string _label;
    private int _lastStep = -1;

    /// <param name="writer">Where to draw.</param>
    /// <param name="redrawInPlace">True on a terminal: one line redrawn with a carriage return.</param>
    /// <param name="label">Written before the bar, e.g. the file name.</param>
    public ConsoleDownloadProgress(TextWriter writer, bool redrawInPlace, string label = "Downloading model")
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _redrawInPlace = redrawInPlace;
        _label = label;
    }

    /// <summary>A bar on standard error, redrawn in place unless standard error is redirected.</summary>
    public static ConsoleDownloadProgress ForConsole(string label = "Downloading model") => new(Console.Error, !Console.IsErrorRedirected, label);

    public void Report(DownloadProgress value)
    {
        // In place: at most one redraw per 0.1 %; redirected: one line per 10 %.
        var step = (int)(value.Fraction * (_redrawInPlace ? 1000 : 10));
        if (step == _lastStep)
        {
            return;
        }

        _lastStep = step;
        var filled = (int)(value.Fraction * Width);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{_label} [{new string('#', filled)}{new string('.', Width - filled)}] {value.Fraction * 100,3:F0}% {value.BytesReceived / 1e6,6:F1}/{value.TotalBytes / 1e6:F1} MB");
        if (_redrawInPlace)
        {
            _writer.Write('\r' + line);
            if (value.BytesReceived >= value.TotalBytes)
            {
                _writer.WriteLine();
            }
        }
        else
        {
            _writer.WriteLine(line);
        }

        _writer.Flush();
    }
}
