namespace ChatBedrock.Application.Telemetry;

/// <summary>What ChatBedrock's telemetry may record (configuration section <c>Telemetry</c>).</summary>
public sealed class ChatTelemetryOptions
{
    public const string SectionName = "Telemetry";

    /// <summary>
    /// Records the messages sent to the model and its answer on the model span (<c>gen_ai.system_instructions</c>,
    /// <c>gen_ai.input.messages</c>, <c>gen_ai.output.messages</c>). Off by default: conversations are personal data.
    /// </summary>
    public bool RecordMessageText { get; set; }
}
