namespace ChatBedrock.Testing.Bedrock;

/// <summary>
/// One scripted answer of <see cref="BedrockEmulator"/>: text deltas, or an error, with optional faults.
/// A buffered call (Converse) answers the deltas concatenated; stream-only faults apply to ConverseStream.
/// </summary>
public sealed record BedrockReply
{
    /// <summary>The answer's text as these deltas (one token each), ending with <see cref="StopReason"/>.</summary>
    public static BedrockReply Text(params string[] deltas) => new() { Deltas = deltas };

    /// <summary>An HTTP error as Bedrock sends it: the status, <c>x-amzn-ErrorType</c> and a JSON body with the message.</summary>
    public static BedrockReply Error(int status, string errorType, string message) =>
        new() { ErrorStatus = status, ErrorType = errorType, ErrorMessage = message };

    /// <summary>HTTP 429 ThrottlingException.</summary>
    public static BedrockReply Throttle() => Error(429, "ThrottlingException", "Too many requests, please wait before trying again.");

    /// <summary>Accepts the request and never answers (until the client gives up or the emulator stops).</summary>
    public static BedrockReply Hang() => new() { HangBeforeResponse = true };

    public IReadOnlyList<string> Deltas { get; init; } = [];

    public string StopReason { get; init; } = "end_turn";

    /// <summary>Reported input tokens; by default the request's word count.</summary>
    public int? InputTokens { get; init; }

    public int? ErrorStatus { get; init; }

    public string? ErrorType { get; init; }

    public string? ErrorMessage { get; init; }

    /// <summary>Sent as a Retry-After header with an error.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>Wait before sending the response headers.</summary>
    public TimeSpan LatencyBeforeFirstByte { get; init; }

    /// <summary>Wait between two streamed deltas.</summary>
    public TimeSpan DelayBetweenDeltas { get; init; }

    public bool HangBeforeResponse { get; init; }

    /// <summary>Stream: after the first delta, wait for this task, so a test can prove the delta reached it before the rest was sent.</summary>
    public Task? ResumeAfterFirstDelta { get; init; }

    /// <summary>Stream: write every frame in three TCP writes (inside the prelude and inside the payload), with pauses.</summary>
    public bool SplitFrames { get; init; }

    /// <summary>Stream: add events and header types this adapter does not know, which it must skip.</summary>
    public bool IncludeUnknownEvents { get; init; }

    /// <summary>Stream: after the deltas, an exception frame of this type (e.g. "throttlingException") instead of the end.</summary>
    public string? StreamExceptionType { get; init; }

    /// <summary>Stream: after the deltas, a delta frame whose message CRC is wrong.</summary>
    public bool CorruptFrameAfterDeltas { get; init; }

    /// <summary>Stream: after the deltas, stop sending but keep the connection open.</summary>
    public bool HangAfterDeltas { get; init; }

    /// <summary>Stream: after the deltas, close the connection without the end events.</summary>
    public bool EndAbruptlyAfterDeltas { get; init; }
}
