using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Testing;

/// <summary>
/// What every <see cref="ILanguageModel"/> adapter must do, whatever the model behind it. An adapter's
/// test class inherits this and supplies a model that answers deterministically at temperature 0
/// (a scripted emulator, a fixed-seed local model).
/// </summary>
public abstract class LanguageModelConformanceTests
{
    /// <summary>A model to test. Called once per test.</summary>
    protected abstract Task<ILanguageModel> CreateModelAsync();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// Capability switch: whether the model reports token usage. A model behind a bridge that cannot carry usage
    /// (an <c>IChatClient</c> that reports none) reports zeros instead, and says so by overriding this.
    /// </summary>
    protected virtual bool ReportsUsage => true;

    protected virtual ModelRequest Request(int maxTokens = 16) => new(
        "You are terse.",
        [ChatMessage.User("こんにちは"), ChatMessage.Assistant("はい"), ChatMessage.User("Say something.")],
        new ModelSettings { MaxTokens = maxTokens, Temperature = 0 });

    [Fact]
    public async Task Complete_ReturnsTextUsageAndStopReason()
    {
        var model = await CreateModelAsync();

        var response = await model.CompleteAsync(Request(), Ct);

        response.Text.Should().NotBeNull();
        response.StopReason.Should().NotBeNullOrEmpty();
        if (ReportsUsage)
        {
            response.Usage.InputTokens.Should().BePositive();
        }
        else
        {
            response.Usage.Should().Be(default(ModelUsage), "a model that cannot report usage reports zeros");
        }

        response.Usage.TotalTokens.Should().Be(response.Usage.InputTokens + response.Usage.OutputTokens);
    }

    [Fact]
    public async Task Stream_YieldsDeltasThenExactlyOneEnd()
    {
        var model = await CreateModelAsync();

        var updates = new List<ModelStreamUpdate>();
        await foreach (var update in model.StreamAsync(Request(), Ct))
        {
            updates.Add(update);
        }

        updates.Should().NotBeEmpty();
        updates[^1].Should().BeOfType<ModelStreamEnd>();
        updates.OfType<ModelStreamEnd>().Should().ContainSingle();
        updates.Take(updates.Count - 1).Should().AllBeOfType<ModelTextDelta>();
    }

    [Fact]
    public async Task Stream_AtTemperatureZero_ConcatenatesToTheBufferedAnswer()
    {
        var model = await CreateModelAsync();

        var buffered = await model.CompleteAsync(Request(), Ct);
        var streamed = string.Concat(await CollectDeltasAsync(model.StreamAsync(Request(), Ct)));

        streamed.Should().Be(buffered.Text);
    }

    [Fact]
    public async Task Complete_HonoursMaxTokens()
    {
        var model = await CreateModelAsync();

        var response = await model.CompleteAsync(Request(maxTokens: 3), Ct);

        response.Usage.OutputTokens.Should().BeLessThanOrEqualTo(3);
    }

    [Fact]
    public async Task Complete_WhenAlreadyCancelled_ThrowsOperationCanceled()
    {
        var model = await CreateModelAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        var act = () => model.CompleteAsync(Request(), cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Stream_CancelledAfterFirstDelta_StopsWithOperationCanceled()
    {
        var model = await CreateModelAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var act = async () =>
        {
            await foreach (var update in model.StreamAsync(Request(maxTokens: 64), cts.Token))
            {
                await cts.CancelAsync();
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    [Fact]
    public async Task Complete_TwoConcurrentRequests_BothComplete()
    {
        var model = await CreateModelAsync();

        var both = await Task.WhenAll(model.CompleteAsync(Request(), Ct), model.CompleteAsync(Request(), Ct));

        both.Should().OnlyContain(r => r.StopReason.Length > 0);
    }

    private static async Task<List<string>> CollectDeltasAsync(IAsyncEnumerable<ModelStreamUpdate> stream)
    {
        var deltas = new List<string>();
        await foreach (var update in stream)
        {
            if (update is ModelTextDelta delta)
            {
                deltas.Add(delta.Text);
            }
        }

        return deltas;
    }
}
