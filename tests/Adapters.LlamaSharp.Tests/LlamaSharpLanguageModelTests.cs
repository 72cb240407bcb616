using System.Text;
using System.Threading.Channels;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing;
using LLama;
using LLama.Common;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.LlamaSharp.Tests;

/// <summary>Real generation through LLamaSharp and llama.cpp, on the tiny models the tests write.</summary>
public sealed class LlamaSharpLanguageModelTests(TinyModels models) : LanguageModelConformanceTests, IDisposable
{
    private readonly List<LlamaSharpLanguageModel> _created = [];

    protected override Task<ILanguageModel> CreateModelAsync() => Task.FromResult<ILanguageModel>(Create(models.Babbling));

    public void Dispose()
    {
        foreach (var model in _created)
        {
            model.Dispose();
        }
    }

    [Fact]
    public async Task Stream_WhenTheModelNeverEnds_YieldsExactlyMaxTokensThenStops()
    {
        var model = Create(models.Babbling);

        var updates = await CollectAsync(model.StreamAsync(Ask("Hello", maxTokens: 40), Ct));

        var end = updates.OfType<ModelStreamEnd>().Single();
        end.StopReason.Should().Be(StopReasons.MaxTokens);
        end.Usage.OutputTokens.Should().Be(40);
        updates.OfType<ModelTextDelta>().Should().NotBeEmpty().And.OnlyContain(d => d.Text.Length > 0);
    }

    [Fact]
    public async Task Stream_SplitsNoCharacter_WhenItsBytesArriveInSeparateTokens()
    {
        var model = Create(models.Reciting);

        var updates = await CollectAsync(model.StreamAsync(Ask("こんにちは"), Ct));

        var deltas = updates.OfType<ModelTextDelta>().Select(d => d.Text).ToList();
        string.Concat(deltas).Should().Be(TinyModels.RecitedText);
        deltas.Should().OnlyContain(d => IsWholeText(d), "a delta must never end inside a character");
        var end = updates.OfType<ModelStreamEnd>().Single();
        end.StopReason.Should().Be(StopReasons.EndTurn);
        end.Usage.OutputTokens.Should().Be(Encoding.UTF8.GetByteCount(TinyModels.RecitedText));
    }

    [Fact]
    public async Task Complete_CutInsideACharacterByMaxTokens_DropsThePartialCharacter()
    {
        var model = Create(models.Reciting);

        // "a" is one byte token, "é" two, "日" three: five tokens end two bytes into "日".
        var response = await model.CompleteAsync(Ask("Hi", maxTokens: 5), Ct);

        response.Text.Should().Be("aé");
        response.StopReason.Should().Be(StopReasons.MaxTokens);
        response.Usage.OutputTokens.Should().Be(5);
    }

    [Fact]
    public async Task Complete_WhenTheModelEndsItsTurnAtOnce_ReturnsNoTextAndEndTurn()
    {
        var model = Create(models.Silent);

        var response = await model.CompleteAsync(Ask("Hi"), Ct);

        response.Text.Should().BeEmpty();
        response.StopReason.Should().Be(StopReasons.EndTurn);
        response.Usage.OutputTokens.Should().Be(0);
    }

    [Fact]
    public async Task Complete_AtAStopSequence_StopsWithoutShowingIt()
    {
        var model = Create(models.Reciting);

        var response = await model.CompleteAsync(Ask("Hi", stopSequences: ["語"]), Ct);

        response.Text.Should().Be("aé日");
        response.StopReason.Should().Be(StopReasons.StopSequence);
    }

    [Fact]
    public async Task Stream_WhenAStopSequenceOnlyBeginsInTheAnswer_ShowsTheWholeAnswer()
    {
        var model = Create(models.Reciting);

        var deltas = await CollectAsync(model.StreamAsync(Ask("Hi", stopSequences: ["日本"]), Ct));

        string.Concat(deltas.OfType<ModelTextDelta>().Select(d => d.Text)).Should().Be(TinyModels.RecitedText);
        deltas.OfType<ModelStreamEnd>().Single().StopReason.Should().Be(StopReasons.EndTurn);
    }

    [Fact]
    public async Task Complete_ReportsThePromptTokensOfTheFormattedConversation()
    {
        var model = Create(models.Babbling);
        var request = Ask("Hello world", maxTokens: 2);

        var response = await model.CompleteAsync(request, Ct);

        using var weights = LLamaWeights.LoadFromFile(new ModelParams(models.Babbling) { GpuLayerCount = 0 });
        var prompt = "<|im_start|>system\nYou are terse.<|im_end|>\n<|im_start|>user\nHello world<|im_end|>\n<|im_start|>assistant\n";
        response.Usage.InputTokens.Should().Be(weights.Tokenize(prompt, add_bos: true, special: true, Encoding.UTF8).Length);
        response.Usage.OutputTokens.Should().Be(2);
    }

    [Fact]
    public async Task Complete_WithoutATemplateInTheModel_FormatsAsChatMl()
    {
        var model = Create(models.WithoutTemplate);

        var response = await model.CompleteAsync(Ask("Hi"), Ct);

        // The model recites only after a prompt that ends with a line feed, as ChatML's does.
        response.Text.Should().Be(TinyModels.RecitedText);
    }

    [Fact]
    public async Task Stream_CancelledWhileGenerating_StopsAndFreesTheContextForTheNextRequest()
    {
        // One context and an answer of up to 100,000 tokens: the next request can only run once the first really stopped.
        var model = Create(models.Babbling, o => o.ContextSize = 131_072);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var act = async () =>
        {
            await foreach (var update in model.StreamAsync(Ask("Hello", maxTokens: 100_000), cts.Token))
            {
                await cts.CancelAsync();
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        var next = await model.CompleteAsync(Ask("Hello", maxTokens: 3), Ct);
        next.Usage.OutputTokens.Should().Be(3);
    }

    [Fact]
    public async Task Stream_CancelledWhileWaitingForAContext_ThrowsWithoutRunning()
    {
        var model = Create(models.Babbling, o => o.ContextSize = 131_072);
        using var first = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await using var running = model.StreamAsync(Ask("Hello", maxTokens: 100_000), first.Token).GetAsyncEnumerator(first.Token);
        (await running.MoveNextAsync()).Should().BeTrue();

        using var second = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var waiting = model.CompleteAsync(Ask("Hello"), second.Token);
        await second.CancelAsync();

        await FluentActions.Awaiting(() => waiting).Should().ThrowAsync<OperationCanceledException>();
        await first.CancelAsync();
    }

    [Fact]
    public async Task Complete_TwoConcurrentRequestsOnTwoContexts_BothGetTheDeterministicAnswer()
    {
        var model = Create(models.Babbling, o => o.MaxConcurrentRequests = 2);

        var answers = await Task.WhenAll(
            model.CompleteAsync(Ask("Hello", maxTokens: 30), Ct),
            model.CompleteAsync(Ask("Hello", maxTokens: 30), Ct));

        answers[0].Usage.OutputTokens.Should().Be(30);
        answers[1].Text.Should().Be(answers[0].Text);
    }

    [Fact]
    public async Task Complete_AtTemperatureOneWithASeed_IsRepeatable()
    {
        var request = Ask("Hello", maxTokens: 30) with { Settings = new ModelSettings { MaxTokens = 30, Temperature = 1 } };

        var first = await Create(models.Babbling, o => o.Seed = 7).CompleteAsync(request, Ct);
        var second = await Create(models.Babbling, o => o.Seed = 7).CompleteAsync(request, Ct);

        second.Text.Should().Be(first.Text);
    }

    [Fact]
    public async Task Complete_WhenTheConversationExceedsTheContext_ThrowsModelInvalidRequest()
    {
        var model = Create(models.Babbling, o => o.ContextSize = 256);

        var act = () => model.CompleteAsync(Ask(new string('x', 400)), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.ModelInvalidRequest);
    }

    [Fact]
    public async Task Complete_WhenTheModelFileIsMissing_ThrowsModelNotConfiguredNamingIt()
    {
        var path = models.PathFor("missing.gguf");
        var model = Create(path);

        var act = () => model.CompleteAsync(Ask("Hi"), Ct);

        var error = (await act.Should().ThrowAsync<ChatException>()).Which;
        error.Code.Should().Be(ChatErrorCode.ModelNotConfigured);
        error.Message.Should().Contain(path).And.Contain("LlamaSharp:ModelPath");
    }

    [Fact]
    public async Task Complete_WhenTheFileIsNotAModel_ThrowsModelUnavailable()
    {
        var path = models.PathFor("not-a-model.gguf");
        await File.WriteAllTextAsync(path, "this is not a GGUF file", Ct);
        var model = Create(path);

        var act = () => model.CompleteAsync(Ask("Hi"), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.ModelUnavailable);
    }

    [Fact]
    public async Task Complete_AfterAFailedLoad_LoadsOnTheNextRequest()
    {
        var path = models.PathFor("arrives-later.gguf");
        var model = Create(path);
        await FluentActions.Awaiting(() => model.CompleteAsync(Ask("Hi"), Ct)).Should().ThrowAsync<ChatException>();

        File.Copy(models.Reciting, path);
        var response = await model.CompleteAsync(Ask("Hi"), Ct);

        response.Text.Should().Be(TinyModels.RecitedText);
    }

    [Fact]
    public async Task Complete_WhenTheGenerationEndsWithoutItsEndMarker_ThrowsModelUnavailable()
    {
        var options = new LlamaSharpModelOptions { ModelPath = models.Reciting, ContextSize = 512, BatchSize = 64, Threads = 1 };
        var model = new LlamaSharpLanguageModel(Options.Create(options), NullLogger<LlamaSharpLanguageModel>.Instance, TimeProvider.System)
        {
            Generate = (loaded, context, prompt, settings, output, token) => loaded.Generate(context, prompt, settings, new WithoutEnd(output), token),
        };
        _created.Add(model);

        var act = () => model.CompleteAsync(Ask("Hi"), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.ModelUnavailable);
    }

    private LlamaSharpLanguageModel Create(string path, Action<LlamaSharpModelOptions>? configure = null)
    {
        var options = new LlamaSharpModelOptions { ModelPath = path, ContextSize = 512, BatchSize = 64, Threads = 1 };
        configure?.Invoke(options);
        var model = new LlamaSharpLanguageModel(Options.Create(options), NullLogger<LlamaSharpLanguageModel>.Instance, TimeProvider.System);
        _created.Add(model);
        return model;
    }

    private static ModelRequest Ask(string text, int maxTokens = 64, IReadOnlyList<string>? stopSequences = null) => new(
        "You are terse.",
        [ChatMessage.User(text)],
        new ModelSettings { MaxTokens = maxTokens, Temperature = 0, StopSequences = stopSequences ?? [] });

    private static async Task<List<ModelStreamUpdate>> CollectAsync(IAsyncEnumerable<ModelStreamUpdate> stream)
    {
        var updates = new List<ModelStreamUpdate>();
        await foreach (var update in stream)
        {
            updates.Add(update);
        }

        return updates;
    }

    private static bool IsWholeText(string text) =>
        !text.Contains('\uFFFD', StringComparison.Ordinal) && !char.IsHighSurrogate(text[^1]) && !char.IsLowSurrogate(text[0]);

    /// <summary>Passes everything on but the end marker: a generation that breaks the stream's contract.</summary>
    private sealed class WithoutEnd(ChannelWriter<ModelStreamUpdate> inner) : ChannelWriter<ModelStreamUpdate>
    {
        public override bool TryWrite(ModelStreamUpdate item) => item is ModelStreamEnd || inner.TryWrite(item);

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => inner.WaitToWriteAsync(cancellationToken);
    }
}
