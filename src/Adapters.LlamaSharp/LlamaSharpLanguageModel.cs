using System.Runtime.CompilerServices;
using System.Threading.Channels;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using LLama;
using LLama.Native;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.LlamaSharp;

/// <summary>
/// <see cref="ILanguageModel"/> over a local GGUF model. The model loads on first use (a failed load is
/// retried on the next request); each answer is computed on a thread of its own and streamed back through
/// a channel, so request threads never run inference.
/// </summary>
internal sealed class LlamaSharpLanguageModel : ILanguageModel, IDisposable
{
    /// <summary>The provider's name in <see cref="ModelStatus"/>.</summary>
    public const string Provider = "local";

    private readonly LlamaSharpModelOptions _options;
    private readonly ILogger<LlamaSharpLanguageModel> _logger;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private readonly ModelDownloadState? _download;
    private LlamaModel? _model;

    public LlamaSharpLanguageModel(
        IOptions<LlamaSharpModelOptions> options, ILogger<LlamaSharpLanguageModel> logger, TimeProvider time, ModelDownloadState? download = null)
    {
        _download = download;
        _options = options.Value;
        _logger = logger;
        _time = time;
    }

    /// <summary>Computes one answer into a channel (see <see cref="LlamaModel.Generate"/>).</summary>
    internal delegate void Generation(
        LlamaModel model, LLamaContext context, LLamaToken[] prompt, ModelSettings settings, ChannelWriter<ModelStreamUpdate> output, CancellationToken cancellationToken);

    /// <summary><see cref="LlamaModel.Generate"/>; tests replace it to break the answer's contract on purpose.</summary>
    internal Generation Generate { get; init; } =
        static (model, context, prompt, settings, output, cancellationToken) => model.Generate(context, prompt, settings, output, cancellationToken);

    public Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) =>
        StreamAsync(request, cancellationToken).ToModelResponseAsync(cancellationToken);

    public async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();
        var model = await GetModelAsync(cancellationToken).ConfigureAwait(false);
        var prompt = model.Tokenize(model.Template.Format(request.SystemPrompt, request.Messages));
        var started = _time.GetTimestamp();

        var context = await model.RentContextAsync(cancellationToken).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var channel = Channel.CreateUnbounded<ModelStreamUpdate>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var generation = Task.Factory.StartNew(
            () =>
            {
                try
                {
                    Generate(model, context, prompt, request.Settings, channel.Writer, stop.Token);
                }
                finally
                {
                    channel.Writer.TryComplete();
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);

        try
        {
            await foreach (var update in channel.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                if (update is ModelStreamEnd end && _logger.IsEnabled(LogLevel.Debug))
                {
                    var elapsed = (long)_time.GetElapsedTime(started).TotalMilliseconds;
                    Log.Answered(_logger, end.Usage.InputTokens, end.Usage.OutputTokens, end.StopReason, elapsed);
                }

                yield return update;
            }

            await Failures(generation).ConfigureAwait(false);
        }
        finally
        {
            // Stop the generation (when the caller cancelled or stopped reading) before the context goes back to the pool.
            await stop.CancelAsync().ConfigureAwait(false);
            await generation.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            model.ReturnContext(context);
        }
    }

    /// <summary>Ready once the file is there (a download gets its final name only after its checksum matched).</summary>
    public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken)
    {
        var path = _options.ModelPath!;
        var name = Path.GetFileName(path);
        return ValueTask.FromResult(
            File.Exists(path) ? new ModelStatus(Provider, name)
            : _download is not null ? new ModelStatus(Provider, name, Ready: false, _download.Describe(name))
            : new ModelStatus(Provider, name, Ready: false, $"The model file {path} does not exist."));
    }

    public void Dispose()
    {
        _model?.Dispose();
        _loading.Dispose();
    }

    private static async Task Failures(Task generation)
    {
        try
        {
            await generation.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not ChatException and not OperationCanceledException)
        {
            throw new ChatException(ChatErrorCode.ModelUnavailable, "The local model failed while answering.", e);
        }
    }

    private async Task<LlamaModel> GetModelAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _model) is { } loaded)
        {
            return loaded;
        }

        await _loading.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_model is { } loadedMeanwhile)
            {
                return loadedMeanwhile;
            }

            var model = await LoadAsync(cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _model, model);
            return model;
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<LlamaModel> LoadAsync(CancellationToken cancellationToken)
    {
        var path = _options.ModelPath!;
        if (!File.Exists(path))
        {
            throw new ChatException(ChatErrorCode.ModelNotConfigured,
                $"The local model file '{path}' does not exist. Download it again, or set " +
                $"{LlamaSharpModelOptions.SectionName}:{nameof(LlamaSharpModelOptions.ModelPath)} to a GGUF chat model you have.");
        }

        NativeLog.Attach(_logger);
        var started = _time.GetTimestamp();
        try
        {
            var model = await LlamaModel.LoadAsync(_options, cancellationToken).ConfigureAwait(false);
            var elapsed = (long)_time.GetElapsedTime(started).TotalMilliseconds;
            var threads = LlamaModel.ThreadsPerContext(_options);
            Log.ModelLoaded(_logger, path, elapsed, model.Template.Description, _options.ContextSize, threads);
            return model;
        }
        catch (Exception e) when (e is not ChatException and not OperationCanceledException)
        {
            Log.ModelLoadFailed(_logger, path, e);
            throw new ChatException(ChatErrorCode.ModelUnavailable,
                $"The local model '{path}' could not be loaded ({e.GetBaseException().Message}). Check that it is a complete GGUF chat model " +
                "that llama.cpp supports, and on Linux that the OpenMP runtime (libgomp1) is installed.", e);
        }
    }
}
