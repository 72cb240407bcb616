using ChatBedrock.Domain;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Application;

/// <summary>Settings of <see cref="ContinueConversation"/>.</summary>
public sealed class ConversationOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Conversation";

    /// <summary>Sent before every conversation; none by default (as the seed).</summary>
    public string? SystemPrompt { get; set; }

    /// <summary>The most tokens of one answer (1 to 100,000). Default 1000, as the seed.</summary>
    public int MaxTokens { get; set; } = 1000;

    /// <summary>Sampling temperature (0 to 1). Default 0.5, as the seed.</summary>
    public double Temperature { get; set; } = 0.5;

    /// <summary>The most history messages sent to the model (0 to 1000). Default 40.</summary>
    public int MaxHistoryMessages { get; set; } = 40;

    /// <summary>The estimated token budget of prompt, history and input (100 to 1,000,000). Default 12,000.</summary>
    public int MaxContextTokens { get; set; } = 12_000;

    /// <summary>The longest input accepted, in characters (1 to 1,000,000). Default 16,000.</summary>
    public int MaxInputLength { get; set; } = UserInput.DefaultMaxLength;

    /// <summary>
    /// Summary memory: when the history outgrows the context window, the model summarises the older part once
    /// and the summary is sent in its place (<see cref="ConversationSummarizer"/>). Off by default: each
    /// summarisation is one more model call.
    /// </summary>
    public bool Summary { get; set; }

    /// <summary>The instruction the model summarises with (the summarisation call's system prompt).</summary>
    public string SummaryInstruction { get; set; } = ConversationSummarizer.DefaultInstruction;

    /// <summary>The most tokens of one summary (50 to 100,000). Default 500.</summary>
    public int SummaryMaxTokens { get; set; } = 500;

    /// <summary>
    /// The price table that turns a chat's token totals into an estimated cost: <c>pattern=input/output[/cache
    /// read[/cache write]]</c> entries, comma-separated, each a price per 1,000 tokens of that kind for the model
    /// ids containing <c>pattern</c> (the longest matching pattern wins; cache prices default to the input price).
    /// None by default: no cost is shown. See <see cref="UsagePrices"/>.
    /// </summary>
    public string? Prices { get; set; }

    /// <summary>
    /// After a new conversation's first answer, ask the model for a short title (one small extra call), returned as
    /// the reply's <c>title</c>. Off by default.
    /// </summary>
    public bool ProposeTitles { get; set; }
}

internal sealed class ConversationOptionsValidator : IValidateOptions<ConversationOptions>
{
    public ValidateOptionsResult Validate(string? name, ConversationOptions options)
    {
        var failures = new List<string>();
        Check(options.MaxTokens is >= 1 and <= 100_000, nameof(options.MaxTokens), options.MaxTokens, "1 to 100000");
        Check(options.Temperature is >= 0 and <= 1, nameof(options.Temperature), options.Temperature, "0 to 1");
        Check(options.MaxHistoryMessages is >= 0 and <= 1000, nameof(options.MaxHistoryMessages), options.MaxHistoryMessages, "0 to 1000");
        Check(options.MaxContextTokens is >= 100 and <= 1_000_000, nameof(options.MaxContextTokens), options.MaxContextTokens, "100 to 1000000");
        Check(options.MaxInputLength is >= 1 and <= 1_000_000, nameof(options.MaxInputLength), options.MaxInputLength, "1 to 1000000");
        Check(options.SummaryMaxTokens is >= 50 and <= 100_000, nameof(options.SummaryMaxTokens), options.SummaryMaxTokens, "50 to 100000");
        Check(!string.IsNullOrWhiteSpace(options.SummaryInstruction), nameof(options.SummaryInstruction), options.SummaryInstruction, "a non-blank instruction");
        if (!UsagePrices.TryParse(options.Prices, out _, out var priceProblem))
        {
            failures.Add($"{ConversationOptions.SectionName}:{nameof(options.Prices)} {priceProblem}");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(bool ok, string setting, object value, string range)
        {
            if (!ok)
            {
                failures.Add($"{ConversationOptions.SectionName}:{setting} must be {range} (was {value}).");
            }
        }
    }
}
