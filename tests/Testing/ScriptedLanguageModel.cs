using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Testing;

/// <summary>
/// A hand-written fake model. Each call takes the next scripted step (or the default answer when the
/// script is empty) and records the request it received.
/// </summary>
public sealed class ScriptedLanguageModel : ILanguageModel
{
    private readonly ConcurrentQueue<Step> _script = new();
    private readonly ConcurrentQueue<ModelRequest> _requests = new();

    /// <summary>Answer given when no step is scripted: echoes the last user message.</summary>
    public Func<ModelRequest, string> DefaultAnswer { get; set; } = r => $"echo: {r.Messages[^1].Content}";

    /// <summary>What <see cref="GetStatusAsync"/> reports, read at every call: a test may make the model unready.</summary>
    public ModelStatus Status { get; set; } = new("scripted", "scripted-model");

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyCollection<ModelRequest> Requests => _requests;

    /// <summary>The next call answers with these deltas (concatenated when buffered).</summary>
    public ScriptedLanguageModel Answer(params string[] deltas)
    {
        _script.Enqueue(new Step(deltas, null, TimeSpan.Zero, false));
        return this;
    }

    /// <summary>The next call fails with <paramref name="error"/>, after streaming <paramref name="deltasFirst"/>.</summary>
    public ScriptedLanguageModel Fail(Exception error, params string[] deltasFirst)
    {
        _script.Enqueue(new Step(deltasFirst, error, TimeSpan.Zero, false));
        return this;
    }

    /// <summary>The next call streams <paramref name="deltasFirst"/> and then waits until cancelled.</summary>
    public ScriptedLanguageModel Hang(params string[] deltasFirst)
    {
        _script.Enqueue(new Step(deltasFirst, null, TimeSpan.Zero, true));
        return this;
    }

    /// <summary>The next call streams <paramref name="deltas"/> and ends without its <see cref="ModelStreamEnd"/>, as a broken adapter would.</summary>
    public ScriptedLanguageModel Truncate(params string[] deltas)
    {
        _script.Enqueue(new Step(deltas, null, TimeSpan.Zero, false, Truncated: true));
        return this;
    }

    /// <summary>The next call waits <paramref name="delay"/> between deltas.</summary>
    public ScriptedLanguageModel AnswerSlowly(TimeSpan delay, params string[] deltas)
    {
        _script.Enqueue(new Step(deltas, null, delay, false));
        return this;
    }

    public Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) =>
        StreamAsync(request, cancellationToken).ToModelResponseAsync(cancellationToken);

    public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Status);

    public async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        _requests.Enqueue(request);
        cancellationToken.ThrowIfCancellationRequested();
        var step = _script.TryDequeue(out var s) ? s : new Step([DefaultAnswer(request)], null, TimeSpan.Zero, false);
        var output = 0;
        var stopReason = StopReasons.EndTurn;
        foreach (var delta in step.Deltas)
        {
            if (step.Delay > TimeSpan.Zero)
            {
                await Task.Delay(step.Delay, cancellationToken).ConfigureAwait(false);
            }

            var tokens = TokenEstimator.Estimate(delta);
            if (output + tokens > request.Settings.MaxTokens)
            {
                stopReason = StopReasons.MaxTokens;
                break;
            }

            output += tokens;
            yield return new ModelTextDelta(delta);
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

        if (step.Truncated)
        {
            yield break;
        }

        var input = request.Messages.Sum(TokenEstimator.Estimate);
        yield return new ModelStreamEnd(new ModelUsage(input, output), stopReason);
    }

    private sealed record Step(string[] Deltas, Exception? Error, TimeSpan Delay, bool Hang, bool Truncated = false);
}
