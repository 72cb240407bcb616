using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Application;

/// <summary>One message of an exported conversation: its role name (<c>user</c>, <c>assistant</c>), text and whether it was stopped.</summary>
public sealed record ImportedMessage(string? Role, string? Content, bool Interrupted = false);

/// <summary>
/// The use case: store an exported conversation as a new session (a new id, never one the client names), turn by
/// turn through the repository. The messages must alternate user, assistant, starting with a question and ending with
/// an answer; questions keep the input rules; at most <see cref="MaxMessages"/>. A store failure midway deletes what was
/// written, so an import is whole or absent.
/// </summary>
public sealed partial class ImportConversation(
    IConversationRepository repository, IOptions<ConversationOptions> options, TimeProvider time, ILogger<ImportConversation> logger)
{
    /// <summary>The most messages one import takes.</summary>
    public const int MaxMessages = 1000;

    /// <summary>The longest answer taken, in UTF-16 code units: far above what one answer of <see cref="ConversationOptions.MaxTokens"/> holds.</summary>
    public const int MaxAnswerLength = 400_000;

    public async Task<SessionId> ExecuteAsync(IReadOnlyList<ImportedMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var turns = Validate(messages, options.Value.MaxInputLength);
        var sessionId = SessionId.New();
        var at = time.GetUtcNow();
        try
        {
            foreach (var (question, answer, interrupted) in turns)
            {
                var turn = new ChatTurn(ChatMessage.User(question, at), ChatMessage.Assistant(answer, at) with { Interrupted = interrupted });
                await repository.AppendTurnAsync(sessionId, turn, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception)
        {
            await TryDeleteAsync(sessionId).ConfigureAwait(false);
            throw;
        }

        LogImported(sessionId.LogHandle, turns.Count);
        return sessionId;
    }

    private static List<(string Question, string Answer, bool Interrupted)> Validate(IReadOnlyList<ImportedMessage> messages, int maxInputLength)
    {
        if (messages.Count == 0 || messages.Count % 2 != 0 || messages.Count > MaxMessages)
        {
            throw Invalid($"messages must hold 2 to {MaxMessages} messages, questions and answers in pairs (was {messages.Count}).");
        }

        var turns = new List<(string, string, bool)>(messages.Count / 2);
        for (var i = 0; i < messages.Count; i += 2)
        {
            var (user, assistant) = (messages[i], messages[i + 1]);
            if (user.Role != "user" || assistant.Role != "assistant")
            {
                throw Invalid($"messages must alternate user and assistant, starting with user (message {(user.Role != "user" ? i : i + 1)} does not).");
            }

            var question = UserInput.Validate(user.Content, maxInputLength);
            var answer = assistant.Content ?? throw Invalid($"message {i + 1} has no content.");
            if (answer.Length > MaxAnswerLength)
            {
                throw new ChatException(ChatErrorCode.InputTooLong, $"message {i + 1} is longer than {MaxAnswerLength} characters.");
            }

            turns.Add((question, answer, assistant.Interrupted));
        }

        return turns;
    }

    // Best effort: a half-written import is removed; the caller still sees the failure that stopped it.
    private async Task TryDeleteAsync(SessionId sessionId)
    {
        try
        {
            await repository.DeleteAsync(sessionId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ChatException)
        {
        }
    }

    private static ChatException Invalid(string message) => new(ChatErrorCode.RequestInvalid, message);

    [LoggerMessage(1, LogLevel.Information, "Imported {Turns} turns into new session {Session}")]
    private partial void LogImported(string session, int turns);
}
