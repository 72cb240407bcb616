using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatBedrock.Domain;

namespace ChatBedrock.Application.Telemetry;

/// <summary>
/// ChatBedrock's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <see cref="Name"/>: add that name
/// to a tracer and a meter provider (<c>AddSource("ChatBedrock")</c>, <c>AddMeter("ChatBedrock")</c>) to export them.
/// Model calls follow the OpenTelemetry GenAI semantic conventions, store calls the database ones.
/// </summary>
public static class ChatBedrockTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "ChatBedrock";

    /// <summary>The turn's span (<see cref="ContinueConversation"/>).</summary>
    public const string TurnSpanName = "chat_bedrock.turn";

    /// <summary>Histogram (s) of whole turns, with <c>error.type</c> when the turn failed.</summary>
    public const string TurnDurationMetric = "chat_bedrock.turn.duration";

    /// <summary>GenAI histogram ({token}) of tokens per model call, by <c>gen_ai.token.type</c> (<c>input</c>, <c>output</c>).</summary>
    public const string TokenUsageMetric = "gen_ai.client.token.usage";

    /// <summary>GenAI histogram (s) of model calls, with <c>error.type</c> when the call failed.</summary>
    public const string OperationDurationMetric = "gen_ai.client.operation.duration";

    /// <summary>Database histogram (s) of store calls.</summary>
    public const string StoreDurationMetric = "db.client.operation.duration";

    internal static readonly ActivitySource Source = new(Name);
    internal static readonly Meter Meter = new(Name);

    // Bucket boundaries as the GenAI conventions advise, so exported histograms are comparable across services.
    internal static readonly Histogram<long> TokenUsage = Meter.CreateHistogram(
        TokenUsageMetric, "{token}", "Tokens used per model call.",
        advice: new InstrumentAdvice<long> { HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304] });

    internal static readonly Histogram<double> OperationDuration = Meter.CreateHistogram(
        OperationDurationMetric, "s", "Duration of model calls.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92] });

    internal static readonly Histogram<double> TurnDuration = Meter.CreateHistogram<double>(
        TurnDurationMetric, "s", "Duration of whole turns: history loaded, model asked, turn stored.");

    internal static readonly Histogram<double> StoreDuration = Meter.CreateHistogram<double>(
        StoreDurationMetric, "s", "Duration of history store calls.");

    /// <summary>
    /// The low-cardinality <c>error.type</c> of a failure: the <see cref="ChatErrorCode"/> of a
    /// <see cref="ChatException"/>, else the exception's type.
    /// </summary>
    public static string ErrorType(Exception exception) => exception switch
    {
        null => throw new ArgumentNullException(nameof(exception)),
        ChatException chat => chat.Code.ToString(),
        OperationCanceledException => "Cancelled",
        _ => exception.GetType().FullName ?? exception.GetType().Name,
    };

    /// <summary>Marks <paramref name="activity"/> failed with <paramref name="errorType"/>, as the conventions say.</summary>
    internal static void Fail(Activity? activity, string errorType)
    {
        if (activity is not null)
        {
            activity.SetTag("error.type", errorType);
            activity.SetStatus(ActivityStatusCode.Error, errorType);
        }
    }
}
