namespace ChatBedrock.Hosts.Lambda;

/// <summary>One event handed out by the Runtime API's <c>/next</c>.</summary>
/// <param name="RequestId">Lambda-Runtime-Aws-Request-Id.</param>
/// <param name="Deadline">Lambda-Runtime-Deadline-Ms: when Lambda stops the invocation; null when absent.</param>
/// <param name="TraceId">Lambda-Runtime-Trace-Id, for <c>_X_AMZN_TRACE_ID</c>.</param>
/// <param name="Payload">The event, as sent.</param>
internal sealed record Invocation(string RequestId, DateTimeOffset? Deadline, string? TraceId, byte[] Payload);
