using System.Text;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Agents.AI;
using Microsoft.Extensions.Logging;
using AI = Microsoft.Extensions.AI;

namespace ChatBedrock.Adapters.AgentFramework;

/// <summary>
/// An Agent Framework <see cref="ChatHistoryProvider"/> on any <see cref="IConversationRepository"/>. Before a run it
/// loads the session's stored messages (text, with their roles and times). After a successful run it stores one
/// turn: the run's user text (the caller's user messages, joined by a blank line) and the answer's assistant text
/// (the response's assistant messages, joined the same way), atomically as the repository appends every turn.
/// Tool calls, tool results, non-text content, system messages and messages added by context providers are not
/// history. A run without user text or without assistant text (failed, cancelled, stopped at a tool approval)
/// stores nothing, and says so in the log.
/// </summary>
internal sealed partial class ConversationHistoryProvider : ChatHistoryProvider
{
    private const string Separator = "\n\n";

    private readonly IConversationRepository _repository;
    private readonly ConversationHistoryOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public ConversationHistoryProvider(IConversationRepository repository, ConversationHistoryOptions options, TimeProvider time, ILogger<ConversationHistoryProvider> logger)
    {
        _repository = repository;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public override IReadOnlyList<string> StateKeys { get; } = [AgentSessionIds.StateKey];

    protected override async ValueTask<IEnumerable<AI.ChatMessage>> ProvideChatHistoryAsync(InvokingContext context, CancellationToken cancellationToken = default)
    {
        var sessionId = AgentSessionIds.GetOrCreate(context.Session);
        var stored = await _repository.LoadAsync(sessionId, _options.MaxMessages, cancellationToken).ConfigureAwait(false);
        return stored.Select(m => new AI.ChatMessage(ToChatRole(m.Role), m.Content) { CreatedAt = m.Timestamp });
    }

    protected override async ValueTask StoreChatHistoryAsync(InvokedContext context, CancellationToken cancellationToken = default)
    {
        var sessionId = AgentSessionIds.GetOrCreate(context.Session);
        var user = TextOf(context.RequestMessages.Where(m =>
            m.Role == AI.ChatRole.User && m.GetAgentRequestMessageSourceType() == AgentRequestMessageSourceType.External));
        var assistant = TextOf((context.ResponseMessages ?? []).Where(m => m.Role == AI.ChatRole.Assistant));
        if (user.Length == 0 || assistant.Length == 0)
        {
            LogNotStored(_logger, user.Length == 0 ? "user" : "assistant");
            return;
        }

        var now = _time.GetUtcNow();
        var turn = new ChatTurn(ChatMessage.User(user, now), ChatMessage.Assistant(assistant, now));
        await _repository.AppendTurnAsync(sessionId, turn, cancellationToken).ConfigureAwait(false);
    }

    private static string TextOf(IEnumerable<AI.ChatMessage> messages)
    {
        var text = new StringBuilder();
        foreach (var message in messages)
        {
            var part = message.Text;
            if (!string.IsNullOrWhiteSpace(part))
            {
                text.Append(text.Length > 0 ? Separator : string.Empty).Append(part);
            }
        }

        return text.ToString();
    }

    private static AI.ChatRole ToChatRole(ChatRole role) => role switch
    {
        ChatRole.User => AI.ChatRole.User,
        ChatRole.Assistant => AI.ChatRole.Assistant,
        _ => AI.ChatRole.System,
    };

    [LoggerMessage(1, LogLevel.Information, "An agent run was not stored as a turn: it had no {Missing} text")]
    private static partial void LogNotStored(ILogger logger, string missing);
}
