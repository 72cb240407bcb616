using System.Runtime.CompilerServices;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Application;

/// <summary>What a client sends: the new text and, to continue a conversation, its session id.</summary>
public sealed record ConversationRequest(string? InputText, string? SessionId);

/// <summary>The answer to one turn.</summary>
public sealed record ConversationReply(SessionId SessionId, string OutputText, ModelUsage Usage, string StopReason);

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
/// window, ask the model, store the turn, answer. If the model fails or the caller cancels, nothing is
/// stored, so the same turn can be sent again.
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
        var (sessionId, input, modelRequest) = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        var response = await _model.CompleteAsync(modelRequest, cancellationToken).ConfigureAwait(false);
        return await StoreAsync(sessionId, input, response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs one turn, yielding the session id, the answer's text as the model produces it, then the stored reply.</summary>
    public async IAsyncEnumerable<ConversationUpdate> StreamAsync(
        ConversationRequest request,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var (sessionId, input, modelRequest) = await PrepareAsync(request, cancellationToken).ConfigureAwait(false);
        yield return new ConversationStarted(sessionId);
        var answer = new ModelResponseBuilder();
        await foreach (var update in _model.StreamAsync(modelRequest, cancellationToken).ConfigureAwait(false))
        {
            answer.Add(update);
            if (update is ModelTextDelta delta)
            {
                yield return new ConversationDelta(delta.Text);
            }
        }

        var response = answer.Build();
        var reply = await StoreAsync(sessionId, input, response, cancellationToken).ConfigureAwait(false);
        yield return new ConversationCompleted(reply);
    }

    private async Task<(SessionId SessionId, ChatMessage Input, ModelRequest Request)> PrepareAsync(
        ConversationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = UserInput.Validate(request.InputText, _options.MaxInputLength);
        var isNew = string.IsNullOrEmpty(request.SessionId);
        var sessionId = isNew ? SessionId.New() : SessionId.Parse(request.SessionId);
        var input = ChatMessage.User(text, _time.GetUtcNow());

        IReadOnlyList<ChatMessage> history = [];
        if (!isNew)
        {
            // One extra message so a pair cut at the limit's edge can still be seen whole. Summary memory needs
            // the whole history: it counts which messages its summary covers from the first.
            history = await _repository.LoadAsync(sessionId, _summarizer is null ? _options.MaxHistoryMessages + 1 : null, cancellationToken).ConfigureAwait(false);
        }

        var window = _summarizer is null || isNew
            ? _window.Select(history, input, _options.SystemPrompt)
            : await _summarizer.SelectAsync(sessionId, history, input, cancellationToken).ConfigureAwait(false);
        LogTurnStarting(sessionId.Value, sessionId.LogHandle, isNew, history.Count, window.Count);

        var messages = new List<ChatMessage>(window.Count + 1);
        messages.AddRange(window);
        messages.Add(input);
        var settings = new ModelSettings { MaxTokens = _options.MaxTokens, Temperature = _options.Temperature };
        return (sessionId, input, new ModelRequest(_options.SystemPrompt, messages, settings));
    }

    private async Task<ConversationReply> StoreAsync(SessionId sessionId, ChatMessage input, ModelResponse response, CancellationToken cancellationToken)
    {
        var modelId = response.ModelId ?? (await _model.GetStatusAsync(cancellationToken).ConfigureAwait(false)).ModelId;
        var answer = ChatMessage.Assistant(response.Text, _time.GetUtcNow()) with { Usage = response.Usage.ToMessageUsage(modelId) };
        var turn = new ChatTurn(input, answer);
        await _repository.AppendTurnAsync(sessionId, turn, cancellationToken).ConfigureAwait(false);
        LogTurnStored(sessionId.LogHandle, response.Usage.InputTokens, response.Usage.OutputTokens, response.StopReason);
        return new ConversationReply(sessionId, response.Text, response.Usage, response.StopReason);
    }

    // The id itself only at Debug (it opens the conversation); its handle links this line to the one below.
    [LoggerMessage(1, LogLevel.Debug, "Turn starting for session {SessionId} ({Session}, new: {IsNew}); {Stored} stored messages, {Sent} sent to the model")]
    private partial void LogTurnStarting(string sessionId, string session, bool isNew, int stored, int sent);

    [LoggerMessage(2, LogLevel.Information, "Turn stored for session {Session}: {InputTokens} input and {OutputTokens} output tokens, stop reason {StopReason}")]
    private partial void LogTurnStored(string session, int inputTokens, int outputTokens, string stopReason);
}
