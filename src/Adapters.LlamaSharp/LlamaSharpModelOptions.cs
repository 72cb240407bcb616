using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>Settings of the local GGUF model run through LLamaSharp (llama.cpp).</summary>
public sealed class LlamaSharpModelOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "LlamaSharp";

    /// <summary>The GGUF chat model file. Required; see <see cref="ModelDownloader"/> to fetch the default one.</summary>
    public string? ModelPath { get; set; }

    /// <summary>Tokens one conversation (prompt and answer) may hold (256 to 131072). Default 4096.</summary>
    public int ContextSize { get; set; } = 4096;

    /// <summary>CPU threads the model computes on (1 to the processor count). Default: half the processors, at least 1.</summary>
    /// <remarks>
    /// llama.cpp's threads wait for each other by spinning, so a thread that loses its core stalls the rest:
    /// on the busy 2-core development machine 2 threads were about 100 times slower than 1 (docs/benchmarks.md).
    /// Half the logical processors is the physical cores on machines with SMT, and leaves room for the host
    /// and the browser elsewhere.
    /// </remarks>
    public int Threads { get; set; } = Math.Max(1, Environment.ProcessorCount / 2);

    /// <summary>
    /// Prompt tokens read per step (16 to 4096, at most <see cref="ContextSize"/>). Default 256. Cancellation is
    /// checked between steps, so smaller steps stop a long prompt sooner at a small cost in speed.
    /// </summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>
    /// Requests answered at the same time, each in its own context (1 to 16); later ones wait in order.
    /// Default 1. The <see cref="Threads"/> are shared between them. See ADR 0060.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 1;

    /// <summary>
    /// A chat template that overrides the model's own: a llama.cpp built-in name (<c>chatml</c>, <c>llama3</c>,
    /// <c>gemma</c>, <c>mistral-v7</c>, …) or a template text llama.cpp recognises. Default: the template in the
    /// model file, or <c>chatml</c> when it has none or llama.cpp does not recognise it.
    /// </summary>
    public string? ChatTemplate { get; set; }

    /// <summary>Seed of the sampler at temperatures above 0, for repeatable answers; random when unset.</summary>
    public uint? Seed { get; set; }
}

internal sealed class LlamaSharpModelOptionsValidator : IValidateOptions<LlamaSharpModelOptions>
{
    public ValidateOptionsResult Validate(string? name, LlamaSharpModelOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.ModelPath))
        {
            failures.Add($"{LlamaSharpModelOptions.SectionName}:{nameof(options.ModelPath)} must be the path of a GGUF model file (was empty).");
        }
        else if (File.Exists(options.ModelPath) && !ModelFile.IsGguf(options.ModelPath))
        {
            // Refused here, at start: llama.cpp would fail only at the first turn, with an error that misleads.
            failures.Add($"{LlamaSharpModelOptions.SectionName}:{nameof(options.ModelPath)} must be a GGUF model file (llama.cpp's format, " +
                $"whose first 4 bytes are 'GGUF', usually named *.gguf), but '{options.ModelPath}' is not one.");
        }

        Check(options.ContextSize is >= 256 and <= 131_072, nameof(options.ContextSize), options.ContextSize, "256 to 131072");
        Check(options.Threads >= 1 && options.Threads <= Environment.ProcessorCount, nameof(options.Threads), options.Threads,
            $"1 to {Environment.ProcessorCount}, the processor count");
        Check(options.BatchSize >= 16 && options.BatchSize <= Math.Min(4096, options.ContextSize), nameof(options.BatchSize), options.BatchSize,
            "16 to 4096 and at most ContextSize");
        Check(options.MaxConcurrentRequests is >= 1 and <= 16, nameof(options.MaxConcurrentRequests), options.MaxConcurrentRequests, "1 to 16");
        if (options.ChatTemplate is { } template && string.IsNullOrWhiteSpace(template))
        {
            failures.Add($"{LlamaSharpModelOptions.SectionName}:{nameof(options.ChatTemplate)} must be a template name or text, or unset (was blank).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(bool ok, string setting, object value, string range)
        {
            if (!ok)
            {
                failures.Add($"{LlamaSharpModelOptions.SectionName}:{setting} must be {range} (was {value}).");
            }
        }
    }
}
