using System.Runtime.CompilerServices;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Application;

/// <summary>
/// What a client sends to run a session's last turn again: the session and, to edit the question, its new text
/// (null: the same question, i.e. regenerate the answer).
/// </summary>
public sealed record RedoRequest(string? SessionId, string? InputText);

/// <summary>
/// The use case: regenerate the last answer, or edit the last question and answer it again. The history before the
/// last turn goes to the model; the new turn then replaces the last one atomically, only if it is still the one
/// this run saw (<see cref="IConversationRepository.ReplaceLastTurnAsync"/>), else <see cref="ChatErrorCode.TurnChanged"/>.
/// A session without a turn is <see cref="ChatErrorCode.SessionNotFound"/>. A stream the client stopped keeps what
/// arrived, as <see cref="ContinueConversation"/> does.
/// </summary>
public sealed partial class RedoLastTurn
{
    private readonly ILanguageModel _model;
    private readonly IConversationRepository _repository;
    private readonly TimeProvider _time;
    private readonly ILogger<RedoLastTurn> _logger;
    private readonly ConversationOptions _options;
    private readonly ContextWindow _window;

    public RedoLastTurn(
        ILanguageModel model,
        IConversationRepository repository,
        IOptions<ConversationOptions> options,
        TimeProvider time,
        ILogger<RedoLastTurn> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        _repository = repository;
        _time = time;
        _logger = logger;
        _options = options.Value;
        _window = new ContextWindow(_options.MaxHistoryMessages, _options.MaxContextTokens);
    }

    /// <summary>Runs the last turn again and returns the whole answer.</summary>
    public async Task<ConversationReply> ExecuteAsync(RedoRequest request, CancellationToken cancellationToken)
    {
        var (sessionId, last, input, modelRequest) = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        var response = await _model.CompleteAsync(modelRequest, cancellationToken).ConfigureAwait(false);
        return await ReplaceAsync(sessionId, last, input, response, interrupted: false, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs the last turn again, yielding the session id, the answer's text as it comes, then the stored reply.</summary>
    public async IAsyncEnumerable<ConversationUpdate> StreamAsync(
        RedoRequest request,
        CancellationToken clientGone,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (sessionId, last, input, modelRequest) = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        yield return new ConversationStarted(sessionId);
        var updates = StreamedTurn.RunAsync(
            _model,
            modelRequest,
            (response, interrupted, ct) => ReplaceAsync(sessionId, last, input, response, interrupted, ct),
            e => LogPartialNotStored(sessionId.LogHandle, e),
            clientGone,
            cancellationToken);
        await foreach (var update in updates.ConfigureAwait(false))
        {
            yield return update;
        }
    }

    private async Task<(SessionId SessionId, ChatTurn Last, ChatMessage Input, ModelRequest Request)> PrepareAsync(
        RedoRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sessionId = SessionId.Parse(request.SessionId);
        var text = request.InputText is null ? null : UserInput.Validate(request.InputText, _options.MaxInputLength);

        // The last turn and, before it, what the window may need (plus one so a pair at the edge is seen whole).
        var history = await _repository.LoadAsync(sessionId, _options.MaxHistoryMessages + 3, cancellationToken).ConfigureAwait(false);
        if (history.Count < 2 || history[^2].Role != ChatRole.User || history[^1].Role != ChatRole.Assistant)
        {
            throw new ChatException(ChatErrorCode.SessionNotFound, "This session has no question and answer to run again.");
        }

        var last = new ChatTurn(history[^2], history[^1]);
        var input = ChatMessage.User(text ?? last.User.Content, _time.GetUtcNow());
        var earlier = history.Take(history.Count - 2).ToList();
        var window = _window.Select(earlier, input, _options.SystemPrompt);
        LogRedoStarting(sessionId.Value, sessionId.LogHandle, text is not null, window.Count);

        var messages = new List<ChatMessage>(window.Count + 1);
        messages.AddRange(window);
        messages.Add(input);
        var settings = new ModelSettings { MaxTokens = _options.MaxTokens, Temperature = _options.Temperature };
        return (sessionId, last, input, new ModelRequest(_options.SystemPrompt, messages, settings));
    }

    private async Task<ConversationReply> ReplaceAsync(
        SessionId sessionId, ChatTurn last, ChatMessage input, ModelResponse response, bool interrupted, CancellationToken cancellationToken)
    {
        var modelId = response.ModelId ?? (await _model.GetStatusAsync(cancellationToken).ConfigureAwait(false)).ModelId;
        var answer = ChatMessage.Assistant(response.Text, _time.GetUtcNow()) with
        {
            Interrupted = interrupted,
            Usage = response.Usage.ToMessageUsage(modelId),
        };
        var turn = new ChatTurn(input, answer);
        if (!await _repository.ReplaceLastTurnAsync(sessionId, last, turn, cancellationToken).ConfigureAwait(false))
        {
            throw new ChatException(ChatErrorCode.TurnChanged, "The conversation changed meanwhile (another answer arrived); reload it and try again.");
        }

        LogRedoStored(sessionId.LogHandle, response.Usage.InputTokens, response.Usage.OutputTokens, response.StopReason);
        return new ConversationReply(sessionId, response.Text, response.Usage, response.StopReason);
    }

    [LoggerMessage(1, LogLevel.Debug, "Last turn of session {SessionId} ({Session}) running again (edited: {Edited}); {Sent} earlier messages sent to the model")]
    private partial void LogRedoStarting(string sessionId, string session, bool edited, int sent);

    [LoggerMessage(2, LogLevel.Information, "Last turn replaced for session {Session}: {InputTokens} input and {OutputTokens} output tokens, stop reason {StopReason}")]
    private partial void LogRedoStored(string session, int inputTokens, int outputTokens, string stopReason);

    [LoggerMessage(3, LogLevel.Warning, "The answer the client stopped could not be kept for session {Session}")]
    private partial void LogPartialNotStored(string session, Exception exception);
}
