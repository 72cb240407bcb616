using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatBedrock.Application.Telemetry;

namespace ChatBedrock.Testing.Telemetry;

/// <summary>One measurement of a ChatBedrock instrument, with the trace it was recorded in.</summary>
public sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags, ActivityTraceId TraceId);

/// <summary>
/// The in-memory exporter of the telemetry tests: an <see cref="ActivityListener"/> and a <see cref="MeterListener"/>
/// on <see cref="ChatBedrockTelemetry.Name"/>. Tests run in parallel and listeners are process-wide, so each test
/// runs its code under <see cref="Root"/> and reads only what was recorded in that trace.
/// </summary>
public sealed class TelemetryRecorder : IDisposable
{
    private static readonly ActivitySource TestSource = new("ChatBedrock.Tests");
    private readonly ActivityListener _activities;
    private readonly MeterListener _meters = new();
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();

    public TelemetryRecorder()
    {
        _activities = new ActivityListener
        {
            ShouldListenTo = s => s.Name is ChatBedrockTelemetry.Name or "ChatBedrock.Tests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_activities);
        Root = TestSource.StartActivity("test")!;
        _meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == ChatBedrockTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meters.SetMeasurementEventCallback<long>((i, v, t, _) => Add(i, v, t));
        _meters.SetMeasurementEventCallback<double>((i, v, t, _) => Add(i, v, t));
        _meters.Start();
    }

    /// <summary>The test's root span: started (and current) when the recorder is made.</summary>
    public Activity Root { get; }

    /// <summary>The ChatBedrock spans that ended in this test's trace, in the order they ended.</summary>
    public IReadOnlyList<Activity> Spans =>
        [.. _stopped.Where(a => a.TraceId == Root.TraceId && a.Source.Name == ChatBedrockTelemetry.Name)];

    /// <summary>The measurements of <paramref name="instrument"/> recorded in this test's trace.</summary>
    public IReadOnlyList<RecordedMeasurement> Measurements(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument && m.TraceId == Root.TraceId)];

    public void Dispose()
    {
        Root.Dispose();
        _meters.Dispose();
        _activities.Dispose();
    }

    private void Add<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new RecordedMeasurement(
            instrument.Name, value.ToDouble(null), copy, Activity.Current?.TraceId ?? default));
    }
}
