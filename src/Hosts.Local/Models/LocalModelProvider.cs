using ChatBedrock.Adapters.LlamaSharp;
using ChatBedrock.Application;
using ChatBedrock.Http;
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
        services.TryAddSingleton<IModelStatus>(provider => provider.GetRequiredService<LocalModelStatus>());

        // The model's context holds the prompt and the answer; ChatBedrock's own estimate must leave room for both.
        if (context.Configuration[$"{ConversationOptions.SectionName}:{nameof(ConversationOptions.MaxContextTokens)}"] is null)
        {
            services.AddOptions<ConversationOptions>().PostConfigure<IOptions<LlamaSharpModelOptions>>((conversation, llama) =>
                conversation.MaxContextTokens = Math.Max(100, llama.Value.ContextSize - conversation.MaxTokens));
        }

        if (model.Download is not null)
        {
            services.AddHttpClient(LocalModelDownload.HttpClientName);
            services.TryAddSingleton<IProgress<DownloadProgress>>(progressOutput is null
                ? ConsoleDownloadProgress.ForConsole($"Downloading {model.Download.FileName}")
                : new ConsoleDownloadProgress(progressOutput, redrawInPlace: false, $"Downloading {model.Download.FileName}"));
            services.AddHostedService<LocalModelDownload>();
        }
    }

    private LocalModelStatus Locate(ModelProviderContext context) =>
        context.Configuration[$"{LlamaSharpModelOptions.SectionName}:{nameof(LlamaSharpModelOptions.ModelPath)}"] is { } given && !string.IsNullOrWhiteSpace(given)
            ? new LocalModelStatus(Path.GetFullPath(given.Trim()), download: null, directory: null)
            : new LocalModelStatus(ModelDownloader.PathOf(defaultModel, modelDirectory), defaultModel, modelDirectory);
}
