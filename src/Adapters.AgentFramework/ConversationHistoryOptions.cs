using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.AgentFramework;

/// <summary>Settings of the Agent Framework chat history provider (section <c>AgentHistory</c>).</summary>
public sealed class ConversationHistoryOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "AgentHistory";

    /// <summary>
    /// At most how many stored messages are loaded for a run (the store may return a few more to keep turns whole);
    /// null (the default) loads the whole history.
    /// </summary>
    public int? MaxMessages { get; set; }
}

internal sealed class ConversationHistoryOptionsValidator : IValidateOptions<ConversationHistoryOptions>
{
    public ValidateOptionsResult Validate(string? name, ConversationHistoryOptions options) =>
        options.MaxMessages is < 2
            ? ValidateOptionsResult.Fail($"{ConversationHistoryOptions.SectionName}:MaxMessages must be at least 2, one turn (was {options.MaxMessages}).")
            : ValidateOptionsResult.Success;
}
