using ChatBedrock.Application;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.LlamaSharp.Tests;

/// <summary>What the local model says of itself without loading anything: its file, or how its download goes.</summary>
public sealed class ModelStatusTests : IDisposable
{
    private static readonly ModelFile Download = new(new Uri("http://127.0.0.1:1/m.gguf"), "m.gguf", 2_000_000, new string('0', 64));
    private readonly string _folder = Directory.CreateTempSubdirectory("chatbedrock-status-").FullName;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithItsFile_IsReady_NamedByTheFile()
    {
        var path = Path.Combine(_folder, "m.gguf");
        await File.WriteAllBytesAsync(path, [], Ct);

        var status = await Model(path).GetStatusAsync(Ct);

        status.Should().Be(new ModelStatus("local", "m.gguf"));
    }

    [Fact]
    public async Task WithoutItsFile_IsNotReady_SayingWhichFileIsMissing()
    {
        var path = Path.Combine(_folder, "m.gguf");

        var status = await Model(path).GetStatusAsync(Ct);

        status.Ready.Should().BeFalse();
        status.Message.Should().Contain(path);
    }

    [Fact]
    public async Task WhileDownloading_ReportsProgress_ThenTheFailure()
    {
        var state = new ModelDownloadState(Download);
        var model = Model(Path.Combine(_folder, "m.gguf"), state);
        state.Report(new DownloadProgress(1_000_000, 2_000_000));
        var downloading = await model.GetStatusAsync(Ct);
        state.Failed("The download failed. Try again.");

        var failed = await model.GetStatusAsync(Ct);

        downloading.Ready.Should().BeFalse();
        downloading.Message.Should().Contain("1 of 2 MB").And.Contain("50");
        failed.Message.Should().Be("The download failed. Try again.");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static LlamaSharpLanguageModel Model(string path, ModelDownloadState? download = null) =>
        new(Options.Create(new LlamaSharpModelOptions { ModelPath = path }), NullLogger<LlamaSharpLanguageModel>.Instance, TimeProvider.System, download);
}
