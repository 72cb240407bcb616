using System.Buffers;
using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using ChatBedrock.Application.Telemetry;

namespace ChatBedrock.Hosts.Lambda;

/// <summary>
/// Turns ChatBedrock's metrics into CloudWatch embedded-metric-format lines in the function's JSON log, one per turn
/// (namespace <see cref="Namespace"/>): <c>InputTokens</c>, <c>OutputTokens</c>, <c>TurnLatency</c> (ms) and
/// <c>Errors</c>, a failed turn under the dimension <c>ErrorType</c> (its error code). CloudWatch extracts the metrics
/// from the log itself: no SDK, no agent, no call at invocation time. A <see cref="MeterListener"/> is all it needs.
/// </summary>
/// <remarks>Lambda runs one invocation at a time per process, so the tokens counted since the last turn are this turn's.</remarks>
internal sealed class EmbeddedMetrics : IDisposable
{
    public const string Namespace = "ChatBedrock";

    private readonly MeterListener _listener = new();
    private readonly JsonLinesLoggerProvider _log;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _inputTokens;
    private long _outputTokens;

    private EmbeddedMetrics(JsonLinesLoggerProvider log, TimeProvider time)
    {
        _log = log;
        _time = time;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ChatBedrockTelemetry.Name
                && instrument.Name is ChatBedrockTelemetry.TokenUsageMetric or ChatBedrockTelemetry.TurnDurationMetric)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnTokens);
        _listener.SetMeasurementEventCallback<double>(OnTurn);
    }

    public static EmbeddedMetrics Start(JsonLinesLoggerProvider log, TimeProvider time)
    {
        var metrics = new EmbeddedMetrics(log, time);
        metrics._listener.Start();
        return metrics;
    }

    public void Dispose() => _listener.Dispose();

    // Measurements outside an invocation of this host (its request id unset on the flow) are not its turns.
    private bool InInvocation => _log.RequestId is not null;

    private void OnTokens(Instrument instrument, long tokens, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (!InInvocation)
        {
            return;
        }

        var type = Tag(tags, "gen_ai.token.type");
        lock (_gate)
        {
            if (type == "input")
            {
                _inputTokens += tokens;
            }
            else if (type == "output")
            {
                _outputTokens += tokens;
            }
        }
    }

    private void OnTurn(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        if (instrument.Name != ChatBedrockTelemetry.TurnDurationMetric || !InInvocation)
        {
            return;
        }

        long input, output;
        lock (_gate)
        {
            (input, output, _inputTokens, _outputTokens) = (_inputTokens, _outputTokens, 0, 0);
        }

        _log.WriteLine(Line(seconds * 1000, input, output, Tag(tags, "error.type")));
    }

    private string Line(double latencyMs, long input, long output, string? errorType)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            // Shaped as the host's other log lines (timestamp, level, message, requestId), plus the EMF fields.
            var now = _time.GetUtcNow();
            json.WriteStartObject();
            json.WriteString("timestamp", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("level", "INFO");
            json.WriteString("message", "Turn metrics");
            json.WriteString("category", typeof(EmbeddedMetrics).FullName);
            json.WriteStartObject("_aws");
            json.WriteNumber("Timestamp", now.ToUnixTimeMilliseconds());
            json.WriteStartArray("CloudWatchMetrics");
            json.WriteStartObject();
            json.WriteString("Namespace", Namespace);
            json.WriteStartArray("Dimensions");
            json.WriteStartArray();
            if (errorType is not null)
            {
                json.WriteStringValue("ErrorType");
            }

            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteStartArray("Metrics");
            Metric(json, "InputTokens", "Count");
            Metric(json, "OutputTokens", "Count");
            Metric(json, "TurnLatency", "Milliseconds");
            Metric(json, "Errors", "Count");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
            if (_log.RequestId is { } requestId)
            {
                json.WriteString("requestId", requestId);
            }

            if (errorType is not null)
            {
                json.WriteString("ErrorType", errorType);
            }

            json.WriteNumber("InputTokens", input);
            json.WriteNumber("OutputTokens", output);
            json.WriteNumber("TurnLatency", Math.Round(latencyMs, 3));
            json.WriteNumber("Errors", errorType is null ? 0 : 1);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Metric(Utf8JsonWriter json, string name, string unit)
    {
        json.WriteStartObject();
        json.WriteString("Name", name);
        json.WriteString("Unit", unit);
        json.WriteEndObject();
    }

    private static string? Tag(ReadOnlySpan<KeyValuePair<string, object?>> tags, string name)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == name)
            {
                return tag.Value as string;
            }
        }

        return null;
    }
}
