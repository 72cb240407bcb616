namespace ChatBedrock.Domain;

/// <summary>
/// A model-written summary of a conversation's oldest messages, sent in their place once they no longer fit
/// the context window. It covers the session's first <see cref="CoveredMessages"/> stored messages (system
/// messages not counted); refreshing it summarises the previous summary and the messages dropped since.
/// </summary>
/// <param name="Text">The summary.</param>
/// <param name="CoveredMessages">How many of the session's user and assistant messages, from the first, it stands for.</param>
/// <param name="Usage">The tokens every summarisation of this session has cost so far, added up.</param>
/// <param name="UpdatedAt">When it was last written; null when not known.</param>
public sealed record ConversationSummary(string Text, int CoveredMessages, MessageUsage? Usage = null, DateTimeOffset? UpdatedAt = null);
