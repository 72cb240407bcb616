using System.Text;
using System.Threading.Channels;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using LLama;
using LLama.Common;
using LLama.Native;
using LLama.Sampling;

namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>
/// A loaded GGUF model: the weights (loaded once, shared by every context), its chat template and the
/// pool of inference contexts. <see cref="Generate"/> is synchronous and CPU-bound: call it off request threads.
/// </summary>
internal sealed class LlamaModel : IDisposable
{
    // llama.cpp's own default nucleus, used when a request sets no TopP.
    private const float DefaultTopP = 0.95f;

    private readonly LLamaWeights _weights;
    private readonly ContextPool _contexts;
    private readonly int _batchSize;
    private readonly uint? _seed;

    private LlamaModel(LLamaWeights weights, ChatTemplate template, ContextPool contexts, int batchSize, uint? seed)
    {
        _weights = weights;
        Template = template;
        _contexts = contexts;
        _batchSize = batchSize;
        _seed = seed;
    }

    public ChatTemplate Template { get; }

    /// <summary>CPU threads of each context: the configured threads shared by the concurrent contexts, so together they never exceed the cores.</summary>
    public static int ThreadsPerContext(LlamaSharpModelOptions options) => Math.Max(1, options.Threads / options.MaxConcurrentRequests);

    /// <summary>Loads <see cref="LlamaSharpModelOptions.ModelPath"/>; throws what llama.cpp throws.</summary>
    public static async Task<LlamaModel> LoadAsync(LlamaSharpModelOptions options, CancellationToken cancellationToken)
    {
        var threads = ThreadsPerContext(options);
        var parameters = new ModelParams(options.ModelPath!)
        {
            ContextSize = (uint)options.ContextSize,
            BatchSize = (uint)options.BatchSize,
            UBatchSize = (uint)options.BatchSize,
            Threads = threads,
            BatchThreads = threads,
            GpuLayerCount = 0,
        };
        var weights = await LLamaWeights.LoadFromFileAsync(parameters, cancellationToken).ConfigureAwait(false);
        try
        {
            var template = ChatTemplate.Resolve(options.ChatTemplate, weights.NativeHandle.GetTemplate(strict: false));
            var contexts = new ContextPool(options.MaxConcurrentRequests, () => CreateContext(weights, parameters));
            return new LlamaModel(weights, template, contexts, options.BatchSize, options.Seed);
        }
        catch
        {
            weights.Dispose();
            throw;
        }
    }

    /// <summary>The prompt's tokens, with the model's beginning-of-text token once (templates may write it too).</summary>
    public LLamaToken[] Tokenize(string prompt)
    {
        var tokens = _weights.Tokenize(prompt, _weights.Vocab.ShouldAddBOS, special: true, Encoding.UTF8);
        return tokens is [var first, var second, ..] && first == second && first == _weights.Vocab.BOS ? tokens[1..] : tokens;
    }

    public Task<LLamaContext> RentContextAsync(CancellationToken cancellationToken) => _contexts.RentAsync(cancellationToken);

    public void ReturnContext(LLamaContext context) => _contexts.Return(context);

    /// <summary>
    /// Reads <paramref name="prompt"/> into <paramref name="context"/> and samples the answer, writing its
    /// text deltas and then one <see cref="ModelStreamEnd"/> to <paramref name="output"/>. Checks
    /// <paramref name="cancellationToken"/> between prompt chunks and between tokens.
    /// </summary>
    public void Generate(LLamaContext context, LLamaToken[] prompt, ModelSettings settings, ChannelWriter<ModelStreamUpdate> output, CancellationToken cancellationToken)
    {
        var contextSize = (int)context.ContextSize;
        if (prompt.Length >= contextSize)
        {
            throw new ChatException(ChatErrorCode.ModelInvalidRequest,
                $"The conversation is {prompt.Length} tokens long but the local model's context holds {contextSize}. " +
                $"Lower {ConversationOptions.SectionName}:{nameof(ConversationOptions.MaxContextTokens)} or raise " +
                $"{LlamaSharpModelOptions.SectionName}:{nameof(LlamaSharpModelOptions.ContextSize)}.");
        }

        context.NativeHandle.MemoryClear();
        var batch = new LLamaBatch();
        for (var start = 0; start < prompt.Length; start += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var chunk = prompt.AsSpan(start, Math.Min(_batchSize, prompt.Length - start));
            batch.Clear();
            batch.AddRange(chunk, start, LLamaSeqId.Zero, start + chunk.Length == prompt.Length);
            Decode(context, batch);
        }

        using var sampler = CreateSampler(settings);
        var decoder = new StreamingTokenDecoder(Encoding.UTF8, _weights);
        var filter = new StopSequenceFilter(settings.StopSequences);
        var position = prompt.Length;
        var generated = 0;
        var stopReason = StopReasons.MaxTokens;
        var last = LLamaToken.InvalidToken;
        while (generated < settings.MaxTokens)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (generated > 0)
            {
                if (position >= contextSize)
                {
                    break;
                }

                batch.Clear();
                batch.Add(last, position++, LLamaSeqId.Zero, true);
                Decode(context, batch);
            }

            last = sampler.Sample(context.NativeHandle, batch.TokenCount - 1);
            if (last.IsEndOfGeneration(_weights.Vocab))
            {
                stopReason = StopReasons.EndTurn;
                break;
            }

            generated++;
            decoder.Add(last);
            Emit(filter.Push(decoder.Read()));
            if (filter.Stopped)
            {
                stopReason = StopReasons.StopSequence;
                break;
            }
        }

        // Bytes of a character the answer was cut inside of stay in the decoder: a broken character is never shown.
        if (!filter.Stopped)
        {
            Emit(filter.Flush());
        }

        output.TryWrite(new ModelStreamEnd(new ModelUsage(prompt.Length, generated), stopReason));

        void Emit(string text)
        {
            if (text.Length > 0)
            {
                output.TryWrite(new ModelTextDelta(text));
            }
        }
    }

    public void Dispose()
    {
        _contexts.Dispose();
        _weights.Dispose();
    }

    private static LLamaContext CreateContext(LLamaWeights weights, ModelParams parameters)
    {
        try
        {
            return weights.CreateContext(parameters);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new ChatException(ChatErrorCode.ModelUnavailable,
                $"llama.cpp could not create a context of {parameters.ContextSize} tokens ({e.GetBaseException().Message}). " +
                $"Lower {LlamaSharpModelOptions.SectionName}:{nameof(LlamaSharpModelOptions.ContextSize)} or " +
                $"{LlamaSharpModelOptions.SectionName}:{nameof(LlamaSharpModelOptions.MaxConcurrentRequests)}.", e);
        }
    }

    private DefaultSamplingPipeline CreateSampler(ModelSettings settings)
    {
        var sampler = new DefaultSamplingPipeline
        {
            // At 0 llama.cpp keeps only the most likely token: greedy and deterministic.
            Temperature = (float)settings.Temperature,
            TopP = settings.TopP is { } topP ? (float)topP : DefaultTopP,
        };
        if (_seed is { } seed)
        {
            sampler.Seed = seed;
        }

        return sampler;
    }

    private static void Decode(LLamaContext context, LLamaBatch batch)
    {
        var result = context.Decode(batch);
        if (result != DecodeResult.Ok)
        {
            throw new ChatException(ChatErrorCode.ModelUnavailable, $"llama.cpp could not evaluate the conversation ({result}).");
        }
    }
}
