using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// Writes each log entry as one JSON line, in the field names of Lambda's JSON log format (<c>timestamp</c>,
/// <c>level</c>, <c>message</c>, <c>requestId</c>) plus the entry's structured values. Writes are synchronous:
/// Lambda may freeze the process as soon as a response is sent, and a background writer would lose lines.
/// </summary>
/// <remarks>
/// At INFO, one line per invocation: the HTTP surface's (<c>POST / answered 200</c>). CloudWatch bills every line.
/// So categories outside ChatBedrock (System.Net.Http's four lines per request, Microsoft.*) and ChatBedrock's other
/// components (the use case's and the model's per-turn token lines) log from Warning, unless the level asks for more
/// than Information (DEBUG or TRACE); the host's own lines (<c>Ready in</c>) keep the configured level.
/// </remarks>
internal sealed class JsonLinesLoggerProvider(TextWriter output, LogLevel minimumLevel, TimeProvider time) : ILoggerProvider
{
    // The categories whose Information lines are written at INFO: the surface's one line and the host's own.
    private static readonly string[] InformationCategoryPrefixes = ["ChatBedrock.Http.", "ChatBedrock.Hosts."];

    // Log lines are read as JSON, never embedded in HTML: only what JSON itself requires is escaped.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly AsyncLocal<string?> _requestId = new();
    private readonly Lock _gate = new();

    /// <summary>The invocation being handled on this async flow; stamped on every line.</summary>
    public string? RequestId
    {
        get => _requestId.Value;
        set => _requestId.Value = value;
    }

    public LogLevel MinimumLevel => minimumLevel;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName, MinimumLevelFor(categoryName));

    /// <summary>
    /// The level a category logs from: the configured one for the surface and the host; at least Warning for every
    /// other category (framework or ChatBedrock) unless DEBUG or TRACE was asked.
    /// </summary>
    public LogLevel MinimumLevelFor(string category) =>
        minimumLevel < LogLevel.Information || InformationCategoryPrefixes.Any(p => category.StartsWith(p, StringComparison.Ordinal))
            ? minimumLevel
            : (LogLevel)Math.Max((int)minimumLevel, (int)LogLevel.Warning);

    public void Dispose()
    {
    }

    /// <summary>Reads Lambda's <c>AWS_LAMBDA_LOG_LEVEL</c> (TRACE, DEBUG, INFO, WARN, ERROR, FATAL); null when unset.</summary>
    public static LogLevel? ParseLevel(string? value) => value?.Trim().ToUpperInvariant() switch
    {
        null or "" => null,
        "TRACE" => LogLevel.Trace,
        "DEBUG" => LogLevel.Debug,
        "INFO" => LogLevel.Information,
        "WARN" => LogLevel.Warning,
        "ERROR" => LogLevel.Error,
        "FATAL" => LogLevel.Critical,
        _ => throw new Hosting.ChatConfigurationException([$"AWS_LAMBDA_LOG_LEVEL must be TRACE, DEBUG, INFO, WARN, ERROR or FATAL (was '{value}')."]),
    };

    private void Write<TState>(string category, LogLevel level, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", LevelName(level));
            json.WriteString("message", formatter(state, exception));
            json.WriteString("category", category);
            if (eventId.Id != 0)
            {
                json.WriteNumber("eventId", eventId.Id);
            }

            if (RequestId is { } requestId)
            {
                json.WriteString("requestId", requestId);
            }

            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    if (key == "{OriginalFormat}" || key is "timestamp" or "level" or "message" or "requestId")
                    {
                        continue;
                    }

                    switch (value)
                    {
                        case null:
                            json.WriteNull(key);
                            break;
                        case int or long or double or decimal:
                            json.WriteNumber(key, Convert.ToDecimal(value, System.Globalization.CultureInfo.InvariantCulture));
                            break;
                        case bool b:
                            json.WriteBoolean(key, b);
                            break;
                        default:
                            json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                            break;
                    }
                }
            }

            if (exception is not null)
            {
                json.WriteString("errorType", exception.GetType().FullName);
                json.WriteString("errorMessage", exception.Message);
                json.WriteString("stackTrace", exception.ToString());
            }

            json.WriteEndObject();
        }

        var line = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    /// <summary>Writes one line that is already JSON (an embedded-metric-format entry) between the log lines.</summary>
    internal void WriteLine(string line)
    {
        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        _ => "FATAL",
    };

    private sealed class Logger(JsonLinesLoggerProvider provider, string category, LogLevel minimumLevel) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && logLevel >= minimumLevel;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(category, logLevel, eventId, state, exception, formatter);
            }
        }
    }
}
