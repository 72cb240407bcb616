using ChatBedrock.Adapters.LlamaSharp;
using ChatBedrock.Application;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Hosts.Local.Models;

/// <summary>
/// A GGUF model run on this machine (LLamaSharp): the file of <c>--model</c> (<c>LlamaSharp:ModelPath</c>), else
/// <paramref name="defaultModel"/>, downloaded in the background on the first start while the page already
/// serves and shows the progress.
/// </summary>
/// <param name="defaultModel">The model downloaded when no file is given.</param>
/// <param name="modelDirectory">Where it is downloaded; null for the user's cache folder.</param>
/// <param name="progressOutput">Where the download's progress bar is drawn; null for the console (standard error).</param>
internal sealed class LocalModelProvider(ModelFile defaultModel, string? modelDirectory = null, TextWriter? progressOutput = null) : IModelProvider
{
    /// <summary>Added to the adapter's status when the model is not ready: other ways to get a model in this host.</summary>
    internal const string Alternatives =
        "Or start the host with --model <path of a GGUF chat model>, or give it AWS credentials and a region and use --model-provider bedrock.";

    public LocalModelProvider()
        : this(ModelFile.Default)
    {
    }

    public string Name => "local";

    /// <summary>Always usable: a missing default model is downloaded, a missing given file is reported on the page.</summary>
    public Task<ModelProbe> ProbeAsync(ModelProviderContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new ModelProbe(true, $"the local model {Locate(context).Path}"));

    public void Register(IServiceCollection services, ModelProviderContext context)
    {
        var model = Locate(context);
        services.Configure<LlamaSharpModelOptions>(context.Configuration.GetSection(LlamaSharpModelOptions.SectionName));
        services.AddLlamaSharpLanguageModel(o => o.ModelPath = model.Path);
        services.TryAddSingleton(model);

        // The model's context holds the prompt and the answer; ChatBedrock's own estimate must leave room for both.
        if (context.Configuration[$"{ConversationOptions.SectionName}:{nameof(ConversationOptions.MaxContextTokens)}"] is null)
        {
            services.AddOptions<ConversationOptions>().PostConfigure<IOptions<LlamaSharpModelOptions>>((conversation, llama) =>
                conversation.MaxContextTokens = Math.Max(100, llama.Value.ContextSize - conversation.MaxTokens));
        }

        if (model.Download is null)
        {
            // The adapter says the file is missing; the host knows how to give it one.
            services.Configure<ServiceStatusOptions>(o => o.ModelNotReadyAdvice =
                "Start the host with --model <path of a GGUF chat model>, or without --model to download the default model.");
        }
        else
        {
            // The model's status follows the download (its failures carry what to do: see LocalModelDownload).
            services.TryAddSingleton(new ModelDownloadState(model.Download));
            services.AddHttpClient(LocalModelDownload.HttpClientName);
            services.TryAddSingleton<IProgress<DownloadProgress>>(progressOutput is null
                ? ConsoleDownloadProgress.ForConsole($"Downloading {model.Download.FileName}")
                : new ConsoleDownloadProgress(progressOutput, redrawInPlace: false, $"Downloading {model.Download.FileName}"));
            services.AddHostedService<LocalModelDownload>();
        }
    }

    private LocalModelLocation Locate(ModelProviderContext context) =>
        context.Configuration[$"{LlamaSharpModelOptions.SectionName}:{nameof(LlamaSharpModelOptions.ModelPath)}"] is { } given && !string.IsNullOrWhiteSpace(given)
            ? new LocalModelLocation(Path.GetFullPath(given.Trim()), Download: null, Directory: null)
            : new LocalModelLocation(ModelDownloader.PathOf(defaultModel, modelDirectory), defaultModel, modelDirectory);
}
