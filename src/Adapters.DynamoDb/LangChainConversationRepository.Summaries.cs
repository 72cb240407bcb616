using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.DynamoDb;

/// <summary>
/// Summary memory in the LangChain layout: a <c>Summary</c> map on the session's item, beside the history
/// LangChain reads (and ignores it). LangChain Python rewrites the whole item when it adds a message, which
/// drops the summary; the next turn that needs one then summarises again.
/// </summary>
internal sealed partial class LangChainConversationRepository
{
    public Task<ConversationSummary?> LoadSummaryAsync(SessionId sessionId, CancellationToken cancellationToken) =>
        table.LoadSummaryAsync(table.Key(sessionId), cancellationToken);

    public Task SaveSummaryAsync(SessionId sessionId, ConversationSummary summary, CancellationToken cancellationToken) =>
        table.SaveSummaryAsync(table.Key(sessionId), summary, cancellationToken);
}
