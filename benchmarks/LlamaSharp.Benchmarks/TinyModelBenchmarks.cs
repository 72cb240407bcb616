using BenchmarkDotNet.Attributes;
using ChatBedrock.Adapters.LlamaSharp;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.LlamaSharp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatBedrock.LlamaSharp.Benchmarks;

/// <summary>
/// Load time, time to first token and generation speed through the adapter. By default on the tiny test
/// model (random weights, 64-wide, 2 layers): what the adapter and llama.cpp cost around a model, not what a
/// real model costs. Set CHATBEDROCK_BENCHMARK_MODEL to a GGUF file to measure that model instead.
/// Tokens per second = (<see cref="GeneratedTokens"/> − 1) / (Generate − FirstToken).
/// </summary>
[MemoryDiagnoser]
public class TinyModelBenchmarks
{
    public const int GeneratedTokens = 256;

    private static readonly ModelRequest FirstTokenRequest = Request(maxTokens: 1);
    private static readonly ModelRequest GenerateRequest = Request(GeneratedTokens);

    /// <summary>CPU threads: on a busy machine, using every core can be much slower than leaving one free.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    private string _path = null!;
    private LlamaSharpModelOptions _options = null!;
    private LlamaSharpLanguageModel _model = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var real = Environment.GetEnvironmentVariable("CHATBEDROCK_BENCHMARK_MODEL");
        _path = real ?? Path.Combine(Path.GetTempPath(), $"chatbedrock-bench-{Environment.ProcessId}.gguf");
        if (real is null)
        {
            TinyGguf.Write(_path);
        }

        _options = new LlamaSharpModelOptions { ModelPath = _path, ContextSize = 512, Threads = Threads };
        _model = new LlamaSharpLanguageModel(Options.Create(_options), NullLogger<LlamaSharpLanguageModel>.Instance, TimeProvider.System);
        await _model.CompleteAsync(FirstTokenRequest, CancellationToken.None); // loads the weights and creates the context
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _model.Dispose();
        if (Environment.GetEnvironmentVariable("CHATBEDROCK_BENCHMARK_MODEL") is null)
        {
            File.Delete(_path);
        }
    }

    /// <summary>Reading the GGUF file into llama.cpp and resolving its chat template.</summary>
    [Benchmark]
    public async Task Load()
    {
        using var model = await LlamaModel.LoadAsync(_options, CancellationToken.None);
    }

    /// <summary>Formatting and reading a short conversation, then sampling one token, on a warm context.</summary>
    [Benchmark]
    public Task<ModelResponse> FirstToken() => _model.CompleteAsync(FirstTokenRequest, CancellationToken.None);

    /// <summary>The same, then <see cref="GeneratedTokens"/> tokens in all.</summary>
    [Benchmark]
    public Task<ModelResponse> Generate() => _model.CompleteAsync(GenerateRequest, CancellationToken.None);

    private static ModelRequest Request(int maxTokens) => new(
        "You are terse.",
        [ChatMessage.User("こんにちは"), ChatMessage.Assistant("はい"), ChatMessage.User("Say something.")],
        new ModelSettings { MaxTokens = maxTokens, Temperature = 0 });
}
