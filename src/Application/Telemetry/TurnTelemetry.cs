using System.Diagnostics;

namespace ChatBedrock.Application.Telemetry;

/// <summary>
/// One turn's span (<see cref="ChatBedrockTelemetry.TurnSpanName"/>) and its <c>chat_bedrock.turn.duration</c>
/// measurement, recorded once: succeeded, failed with its <c>error.type</c>, or cancelled when disposed first
/// (a streaming caller that stopped reading).
/// </summary>
internal sealed class TurnTelemetry : IDisposable
{
    private readonly Activity? _activity;
    private readonly TimeProvider _time;
    private readonly long _started;
    private bool _ended;

    private TurnTelemetry(Activity? activity, TimeProvider time)
    {
        _activity = activity;
        _time = time;
        _started = time.GetTimestamp();
    }

    public static TurnTelemetry Start(TimeProvider time, bool streamed)
    {
        var activity = ChatBedrockTelemetry.Source.StartActivity(ChatBedrockTelemetry.TurnSpanName, ActivityKind.Internal);
        activity?.SetTag("chat_bedrock.turn.streamed", streamed);
        return new TurnTelemetry(activity, time);
    }

    /// <summary>What the turn sends: whether the session is new, how many messages were loaded and sent (never the id).</summary>
    public void Prepared(bool newSession, int stored, int sent)
    {
        if (_activity is { IsAllDataRequested: true })
        {
            _activity.SetTag("chat_bedrock.session.new", newSession);
            _activity.SetTag("chat_bedrock.history.loaded_messages", stored);
            _activity.SetTag("chat_bedrock.history.sent_messages", sent);
        }
    }

    /// <summary>Makes the span current again where a streaming turn resumes in its caller's context.</summary>
    public void MakeCurrent()
    {
        if (_activity is not null)
        {
            Activity.Current = _activity;
        }
    }

    public void Succeeded() => End(null);

    public void Failed(Exception exception) => End(ChatBedrockTelemetry.ErrorType(exception));

    public void Dispose() => End("Cancelled");

    private void End(string? errorType)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        var tags = new TagList();
        if (errorType is not null)
        {
            ChatBedrockTelemetry.Fail(_activity, errorType);
            tags.Add("error.type", errorType);
        }

        ChatBedrockTelemetry.TurnDuration.Record(_time.GetElapsedTime(_started).TotalSeconds, tags);
        _activity?.Dispose();
    }
}
