// Over 250 lines: the turn's two entry points (whole and streamed) share its preparation, replay, storing and telemetry.
using System.Diagnostics;
using System.Runtime.CompilerServices;
using ChatBedrock.Application.Telemetry;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Application;

/// <summary>
/// What a client sends: the new text, to continue a conversation its session id, and optionally an idempotency
/// key that makes a repeated turn answer from the store (see <see cref="RequestIds"/>).
/// </summary>
public sealed record ConversationRequest(string? InputText, string? SessionId, string? RequestId = null);

/// <summary>The answer to one turn; a replayed one (its idempotency key was stored) has <see cref="ContinueConversation.ReplayedStopReason"/> and no usage.</summary>
public sealed record ConversationReply(SessionId SessionId, string OutputText, ModelUsage Usage, string StopReason)
{
    /// <summary>A short title the model proposed after a new conversation's first answer (<see cref="ConversationOptions.ProposeTitles"/>); else null.</summary>
    public string? Title { get; init; }
}

/// <summary>One item of a streamed turn: one <see cref="ConversationStarted"/>, deltas, then one <see cref="ConversationCompleted"/>.</summary>
public abstract record ConversationUpdate;

/// <summary>The input is valid and the history loaded: names the (possibly new) session before the model is asked.</summary>
public sealed record ConversationStarted(SessionId SessionId) : ConversationUpdate;

/// <summary>A piece of the answer's text.</summary>
public sealed record ConversationDelta(string Text) : ConversationUpdate;

/// <summary>The turn is complete and stored.</summary>
public sealed record ConversationCompleted(ConversationReply Reply) : ConversationUpdate;

/// <summary>
/// The use case: validate the input, mint or accept the session id, load the history, apply the context
/// window, ask the model, store the turn, answer. If the model fails or the deadline passes, nothing is
/// stored, so the same turn can be sent again; a streamed answer the client stopped keeps what had arrived
/// (see <see cref="StreamedTurn"/>). A turn whose idempotency key is among the loaded history's user messages is
/// answered with what was stored for it, without the model and without storing again.
/// </summary>
public sealed partial class ContinueConversation
{
    private readonly ILanguageModel _model;
    private readonly IConversationRepository _repository;
    private readonly TimeProvider _time;
    private readonly ILogger<ContinueConversation> _logger;
    private readonly ConversationOptions _options;
    private readonly ContextWindow _window;
    private readonly ConversationSummarizer? _summarizer;

    /// <summary>The stop reason of a turn answered from the store because its idempotency key was seen before.</summary>
    public const string ReplayedStopReason = "replayed";

    public ContinueConversation(
        ILanguageModel model,
        IConversationRepository repository,
        IOptions<ConversationOptions> options,
        TimeProvider time,
        ILogger<ContinueConversation> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _model = model;
        _repository = repository;
        _time = time;
        _logger = logger;
        _options = options.Value;
        _window = new ContextWindow(_options.MaxHistoryMessages, _options.MaxContextTokens);
        _summarizer = _options.Summary ? new ConversationSummarizer(model, repository, _options, time, logger) : null;
    }

    /// <summary>Runs one turn and returns the whole answer.</summary>
    public async Task<ConversationReply> ExecuteAsync(ConversationRequest request, CancellationToken cancellationToken)
    {
        using var turn = TurnTelemetry.Start(_time, streamed: false);
        try
        {
            var (sessionId, input, modelRequest, stored) = await PrepareAsync(request, turn, cancellationToken).ConfigureAwait(false);
            if (stored is not null)
            {
                turn.Succeeded();
                return Replay(sessionId, stored);
            }

            var response = await _model.CompleteAsync(modelRequest!, cancellationToken).ConfigureAwait(false);
            var reply = await StoreAsync(sessionId, input, response, cancellationToken, proposeTitle: string.IsNullOrEmpty(request.SessionId)).ConfigureAwait(false);
            turn.Succeeded();
            return reply;
        }
        catch (Exception e)
        {
            turn.Failed(e);
            throw;
        }
    }

    /// <summary>Runs one turn, yielding the session id, the answer's text as the model produces it, then the stored reply.</summary>
    public IAsyncEnumerable<ConversationUpdate> StreamAsync(ConversationRequest request, CancellationToken cancellationToken) =>
        StreamAsync(request, clientGone: default, cancellationToken);

    /// <summary>
    /// Runs one turn as <see cref="StreamAsync(ConversationRequest, CancellationToken)"/>; when <paramref name="clientGone"/>
    /// fires after some text arrived, that text is stored as an interrupted answer.
    /// </summary>
    public async IAsyncEnumerable<ConversationUpdate> StreamAsync(
        ConversationRequest request,
        CancellationToken clientGone,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var turn = TurnTelemetry.Start(_time, streamed: true);
        SessionId sessionId;
        ChatMessage input;
        ModelRequest? modelRequest;
        ChatMessage? stored;
        try
        {
            (sessionId, input, modelRequest, stored) = await PrepareAsync(request, turn, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            turn.Failed(e);
            throw;
        }

        var isNew = string.IsNullOrEmpty(request.SessionId);
        yield return new ConversationStarted(sessionId);
        if (stored is not null)
        {
            // The stored answer in one piece: the same events a client reads for a fresh turn.
            turn.Succeeded();
            yield return new ConversationDelta(stored.Content);
            yield return new ConversationCompleted(Replay(sessionId, stored));
            yield break;
        }

        var updates = StreamedTurn.RunAsync(
            _model,
            modelRequest!,
            (response, interrupted, ct) => StoreAsync(sessionId, input, response, ct, interrupted, proposeTitle: isNew && !interrupted),
            e => LogPartialNotStored(sessionId.LogHandle, e),
            clientGone,
            cancellationToken);

        // Each resumption runs in the caller's context, so the turn's span is made current again before the model
        // and the store are called (both run inside MoveNextAsync); a try with a catch may not hold a yield.
        await using var enumerator = updates.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                turn.MakeCurrent();
                more = await enumerator.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                turn.Failed(e);
                throw;
            }

            if (!more)
            {
                break;
            }

            if (enumerator.Current is ConversationCompleted)
            {
                turn.Succeeded();
            }

            yield return enumerator.Current;
        }
    }

    private async Task<(SessionId SessionId, ChatMessage Input, ModelRequest? Request, ChatMessage? Stored)> PrepareAsync(
        ConversationRequest request, TurnTelemetry turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = UserInput.Validate(request.InputText, _options.MaxInputLength);
        var requestId = RequestIds.Validate(request.RequestId);
        var isNew = string.IsNullOrEmpty(request.SessionId);
        var sessionId = isNew ? SessionId.New() : SessionId.Parse(request.SessionId);
        var input = ChatMessage.User(text, _time.GetUtcNow()) with { RequestId = requestId };

        IReadOnlyList<ChatMessage> history = [];
        if (!isNew)
        {
            // One extra message so a pair cut at the limit's edge can still be seen whole. Summary memory needs
            // the whole history: it counts which messages its summary covers from the first.
            history = await _repository.LoadAsync(sessionId, _summarizer is null ? _options.MaxHistoryMessages + 1 : null, cancellationToken).ConfigureAwait(false);
        }

        if (requestId is not null && StoredAnswer(history, requestId, text) is { } stored)
        {
            LogTurnReplayed(sessionId.LogHandle);
            return (sessionId, input, null, stored);
        }

        var window = _summarizer is null || isNew
            ? _window.Select(history, input, _options.SystemPrompt)
            : await _summarizer.SelectAsync(sessionId, history, input, cancellationToken).ConfigureAwait(false);
        turn.Prepared(isNew, history.Count, window.Count);
        LogTurnStarting(sessionId.Value, sessionId.LogHandle, isNew, history.Count, window.Count);

        var messages = new List<ChatMessage>(window.Count + 1);
        messages.AddRange(window);
        messages.Add(input);
        var settings = new ModelSettings { MaxTokens = _options.MaxTokens, Temperature = _options.Temperature };
        return (sessionId, input, new ModelRequest(_options.SystemPrompt, messages, settings), null);
    }

    /// <summary>
    /// The answer stored for the newest user message that carries <paramref name="requestId"/>, or null. Only
    /// the loaded window is searched: a key older than it is not found and the turn runs again.
    /// </summary>
    private static ChatMessage? StoredAnswer(IReadOnlyList<ChatMessage> history, string requestId, string text)
    {
        for (var i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].Role != ChatRole.User || !string.Equals(history[i].RequestId, requestId, StringComparison.Ordinal))
            {
                continue;
            }

            if (!string.Equals(history[i].Content, text, StringComparison.Ordinal))
            {
                throw new ChatException(ChatErrorCode.RequestIdReused, "This idempotency key was used for a different message in this session; send a new key with a new message.");
            }

            // Stores keep a turn's two messages adjacent; a user message at the window's edge has its answer after it.
            return i + 1 < history.Count && history[i + 1].Role == ChatRole.Assistant ? history[i + 1] : null;
        }

        return null;
    }

    private static ConversationReply Replay(SessionId sessionId, ChatMessage stored) =>
        new(sessionId, stored.Content, default, ReplayedStopReason);

    private async Task<ConversationReply> StoreAsync(
        SessionId sessionId, ChatMessage input, ModelResponse response, CancellationToken cancellationToken, bool interrupted = false, bool proposeTitle = false)
    {
        var modelId = response.ModelId ?? (await _model.GetStatusAsync(cancellationToken).ConfigureAwait(false)).ModelId;
        var answer = ChatMessage.Assistant(response.Text, _time.GetUtcNow()) with
        {
            Interrupted = interrupted,
            Usage = response.Usage.ToMessageUsage(modelId),
        };
        var turn = new ChatTurn(input, answer);
        await _repository.AppendTurnAsync(sessionId, turn, cancellationToken).ConfigureAwait(false);
        LogTurnStored(sessionId.LogHandle, response.Usage.InputTokens, response.Usage.OutputTokens, response.StopReason);
        var title = proposeTitle && _options.ProposeTitles
            ? await TitleProposal.ProposeAsync(_model, input.Content, e => LogTitleFailed(sessionId.LogHandle, e), cancellationToken).ConfigureAwait(false)
            : null;
        return new ConversationReply(sessionId, response.Text, response.Usage, response.StopReason) { Title = title };
    }

    // The id itself only at Debug (it opens the conversation); its handle links this line to the one below.
    [LoggerMessage(1, LogLevel.Debug, "Turn starting for session {SessionId} ({Session}, new: {IsNew}); {Stored} stored messages, {Sent} sent to the model")]
    private partial void LogTurnStarting(string sessionId, string session, bool isNew, int stored, int sent);

    [LoggerMessage(5, LogLevel.Information, "Turn for session {Session} answered from the store: its idempotency key was stored with an earlier turn")]
    private partial void LogTurnReplayed(string session);

    [LoggerMessage(2, LogLevel.Information, "Turn stored for session {Session}: {InputTokens} input and {OutputTokens} output tokens, stop reason {StopReason}")]
    private partial void LogTurnStored(string session, int inputTokens, int outputTokens, string stopReason);

    [LoggerMessage(3, LogLevel.Warning, "The answer the client stopped could not be kept for session {Session}")]
    private partial void LogPartialNotStored(string session, Exception exception);

    [LoggerMessage(4, LogLevel.Information, "No title proposed for session {Session}: the model call failed")]
    private partial void LogTitleFailed(string session, Exception exception);
}
