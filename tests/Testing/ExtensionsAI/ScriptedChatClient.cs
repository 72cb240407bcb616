using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using ChatRole = Microsoft.Extensions.AI.ChatRole;
using TokenEstimator = ChatBedrock.Domain.TokenEstimator;

namespace ChatBedrock.Testing.ExtensionsAI;

/// <summary>
/// A hand-written fake <see cref="IChatClient"/>. Each call takes the next scripted step (or echoes the last user
/// message when the script is empty), honours <see cref="ChatOptions.MaxOutputTokens"/> in
/// <see cref="TokenEstimator"/> tokens, and records what it was asked.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly ConcurrentQueue<Step> _script = new();
    private readonly ConcurrentQueue<Request> _requests = new();

    /// <summary>Whether answers carry usage (a response's Usage, a stream's UsageContent). Default true.</summary>
    public bool ReportsUsage { get; set; } = true;

    /// <summary>Whether answers carry a finish reason. Default true.</summary>
    public bool ReportsFinishReason { get; set; } = true;

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyCollection<Request> Requests => _requests;

    /// <summary>The next call answers with these deltas (concatenated when buffered).</summary>
    public ScriptedChatClient Answer(params string[] deltas) => Enqueue(new Step(deltas, null, null, false));

    /// <summary>The next call answers with these deltas and reports <paramref name="finishReason"/>.</summary>
    public ScriptedChatClient AnswerWith(ChatFinishReason finishReason, params string[] deltas) => Enqueue(new Step(deltas, finishReason, null, false));

    /// <summary>The next call fails with <paramref name="error"/>, after streaming <paramref name="deltasFirst"/>.</summary>
    public ScriptedChatClient Fail(Exception error, params string[] deltasFirst) => Enqueue(new Step(deltasFirst, null, error, false));

    /// <summary>The next call streams <paramref name="deltasFirst"/> and then waits until cancelled.</summary>
    public ScriptedChatClient Hang(params string[] deltasFirst) => Enqueue(new Step(deltasFirst, null, null, true));

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<AIChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var text = new System.Text.StringBuilder();
        ChatFinishReason? finish = null;
        UsageDetails? usage = null;
        await foreach (var update in GetStreamingResponseAsync(messages, options, cancellationToken).ConfigureAwait(false))
        {
            text.Append(update.Text);
            finish = update.FinishReason ?? finish;
            usage = update.Contents.OfType<UsageContent>().FirstOrDefault()?.Details ?? usage;
        }

        return new ChatResponse(new AIChatMessage(ChatRole.Assistant, text.ToString())) { FinishReason = finish, Usage = usage };
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<AIChatMessage> messages,
        ChatOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var request = new Request([.. messages], options?.Clone());
        _requests.Enqueue(request);
        cancellationToken.ThrowIfCancellationRequested();
        var step = _script.TryDequeue(out var s) ? s : new Step([$"echo: {request.Messages.LastOrDefault(m => m.Role == ChatRole.User)?.Text}"], null, null, false);

        var max = options?.MaxOutputTokens ?? int.MaxValue;
        var output = 0;
        var finish = step.FinishReason ?? ChatFinishReason.Stop;
        foreach (var delta in step.Deltas)
        {
            var tokens = TokenEstimator.Estimate(delta);
            if (output + tokens > max)
            {
                finish = ChatFinishReason.Length;
                break;
            }

            output += tokens;
            await Task.Yield();
            yield return new ChatResponseUpdate(ChatRole.Assistant, delta);
            cancellationToken.ThrowIfCancellationRequested();
        }

        if (step.Error is not null)
        {
            throw step.Error;
        }

        if (step.Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }

        var input = request.Messages.Sum(m => TokenEstimator.Estimate(m.Text) + TokenEstimator.PerMessageOverhead);
        IList<AIContent> usage = ReportsUsage
            ? [new UsageContent(new UsageDetails { InputTokenCount = input, OutputTokenCount = output, TotalTokenCount = input + output })]
            : [];
        yield return new ChatResponseUpdate(ChatRole.Assistant, usage)
        {
            FinishReason = ReportsFinishReason ? finish : null,
        };
    }

    public object? GetService(Type serviceType, object? serviceKey = null) =>
        serviceKey is null && serviceType.IsInstanceOfType(this) ? this
        : serviceKey is null && serviceType == typeof(ChatClientMetadata) ? new ChatClientMetadata("scripted", defaultModelId: "scripted-1")
        : null;

    public void Dispose()
    {
    }

    private ScriptedChatClient Enqueue(Step step)
    {
        _script.Enqueue(step);
        return this;
    }

    /// <summary>What one call was asked.</summary>
    public sealed record Request(IReadOnlyList<AIChatMessage> Messages, ChatOptions? Options);

    private sealed record Step(string[] Deltas, ChatFinishReason? FinishReason, Exception? Error, bool Hang);
}
