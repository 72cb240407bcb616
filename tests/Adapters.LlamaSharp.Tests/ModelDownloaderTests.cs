using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.LlamaSharp.Tests;

public sealed class ModelDownloaderTests : IAsyncLifetime
{
    private const int Size = 1_000_000;
    private readonly byte[] _content = RandomBytes(Size);
    private readonly string _directory = Directory.CreateTempSubdirectory("chatbedrock-download-").FullName;
    private readonly HttpClient _http = new();
    private ModelFileServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ModelFile File => new(_server.Url, "model.gguf", Size, Convert.ToHexStringLower(SHA256.HashData(_content)));

    private string Target => Path.Combine(_directory, "model.gguf");

    private string Partial => Target + ".part";

    public async ValueTask InitializeAsync() => _server = await ModelFileServer.StartAsync(_content);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task EnsureDownloaded_ReportsProgressToTheEnd_AndKeepsOnlyTheVerifiedFile()
    {
        var progress = new RecordingProgress();

        var path = await new ModelDownloader(_http).EnsureDownloadedAsync(File, _directory, progress, Ct);

        path.Should().Be(Target);
        (await System.IO.File.ReadAllBytesAsync(path, Ct)).Should().Equal(_content);
        System.IO.File.Exists(Partial).Should().BeFalse();
        progress.Reports.Should().NotBeEmpty().And.BeInAscendingOrder(p => p.BytesReceived);
        progress.Reports[^1].Should().Be(new DownloadProgress(Size, Size));
        progress.Reports.Should().OnlyContain(p => p.TotalBytes == Size);
    }

    [Fact]
    public async Task EnsureDownloaded_AfterTheConnectionWasCut_FailsClearlyThenResumesWhereItStopped()
    {
        var downloader = new ModelDownloader(_http);
        _server.CutNextAfter(300_000);

        var first = () => downloader.EnsureDownloadedAsync(File, _directory, null, Ct);

        var error = (await first.Should().ThrowAsync<ChatException>()).Which;
        error.Code.Should().Be(ChatErrorCode.ModelUnavailable);
        error.Message.Should().Contain("Run again to resume");
        System.IO.File.Exists(Target).Should().BeFalse("nothing may be left under the final name");
        var kept = new FileInfo(Partial).Length;
        kept.Should().BePositive().And.BeLessThan(Size);

        var progress = new RecordingProgress();
        var path = await downloader.EnsureDownloadedAsync(File, _directory, progress, Ct);

        (await System.IO.File.ReadAllBytesAsync(path, Ct)).Should().Equal(_content);
        _server.Ranges.Should().Equal("", $"bytes={kept}-");
        progress.Reports[0].BytesReceived.Should().Be(kept);
    }

    [Fact]
    public async Task EnsureDownloaded_WhenTheServerIgnoresTheRange_StartsOver()
    {
        var downloader = new ModelDownloader(_http);
        _server.CutNextAfter(300_000);
        await FluentActions.Awaiting(() => downloader.EnsureDownloadedAsync(File, _directory, null, Ct)).Should().ThrowAsync<ChatException>();
        _server.IgnoreRanges = true;

        var path = await downloader.EnsureDownloadedAsync(File, _directory, null, Ct);

        (await System.IO.File.ReadAllBytesAsync(path, Ct)).Should().Equal(_content);
    }

    [Fact]
    public async Task EnsureDownloaded_WhenTheChecksumDiffers_RejectsAndLeavesNothing()
    {
        var tampered = File with { Sha256 = new string('0', 64) };

        var act = () => new ModelDownloader(_http).EnsureDownloadedAsync(tampered, _directory, null, Ct);

        var error = (await act.Should().ThrowAsync<ChatException>()).Which;
        error.Code.Should().Be(ChatErrorCode.ModelUnavailable);
        error.Message.Should().Contain("SHA-256").And.Contain("deleted");
        Directory.EnumerateFileSystemEntries(_directory).Should().BeEmpty();
    }

    [Fact]
    public async Task EnsureDownloaded_WhenTheServerIsDown_SaysItCannotReachIt()
    {
        var file = File with { Url = new Uri($"http://127.0.0.1:{UnusedPort()}/model.gguf") };

        var act = () => new ModelDownloader(_http).EnsureDownloadedAsync(file, _directory, null, Ct);

        var error = (await act.Should().ThrowAsync<ChatException>()).Which;
        error.Code.Should().Be(ChatErrorCode.ModelUnavailable);
        error.Message.Should().StartWith("Cannot reach 127.0.0.1").And.Contain("LlamaSharp:ModelPath");
        error.Message.Should().Contain(file.Url.ToString(), "an offline user can fetch it by other means")
            .And.Contain(file.Sha256).And.Contain(Target);
        Directory.EnumerateFileSystemEntries(_directory).Should().BeEmpty("an empty partial file is not kept");
    }

    [Fact]
    public async Task EnsureDownloaded_WhenTheServerAnswersAnError_NamesTheStatus()
    {
        _server.Status = HttpStatusCode.NotFound;

        var act = () => new ModelDownloader(_http).EnsureDownloadedAsync(File, _directory, null, Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Message.Should().Contain("404").And.Contain(File.Sha256);
        Directory.EnumerateFileSystemEntries(_directory).Should().BeEmpty("an empty partial file is not kept");
    }

    [Fact]
    public async Task EnsureDownloaded_WhenTheServerOffersAnotherSize_RejectsBeforeDownloading()
    {
        var act = () => new ModelDownloader(_http).EnsureDownloadedAsync(File with { Size = Size + 1 }, _directory, null, Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Message.Should().Contain($"offers {Size} bytes");
        System.IO.File.Exists(Target).Should().BeFalse();
    }

    [Fact]
    public async Task EnsureDownloaded_WhenAlreadyDownloaded_DoesNotAskTheServer()
    {
        var downloader = new ModelDownloader(_http);
        await downloader.EnsureDownloadedAsync(File, _directory, null, Ct);

        await downloader.EnsureDownloadedAsync(File, _directory, null, Ct);

        _server.Ranges.Should().ContainSingle();
        ModelDownloader.IsDownloaded(File, _directory).Should().BeTrue();
    }

    [Fact]
    public async Task EnsureDownloaded_WhenCancelled_KeepsThePartForLater()
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var cancelling = new RecordingProgress(p =>
        {
            if (p.BytesReceived > 0)
            {
                cts.Cancel();
            }
        });

        var act = () => new ModelDownloader(_http).EnsureDownloadedAsync(File, _directory, cancelling, cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        System.IO.File.Exists(Target).Should().BeFalse();
        new FileInfo(Partial).Length.Should().BePositive();
    }

    [Theory]
    [InlineData("/xdg", "/home/me", "/xdg/chatbedrock/models")]
    [InlineData(null, "/home/me", "/home/me/.cache/chatbedrock/models")]
    [InlineData("relative/cache", "/home/me", "/home/me/.cache/chatbedrock/models")]
    public void DefaultDirectory_OnLinux_FollowsXdgCacheHome(string? xdg, string home, string expected)
    {
        var directory = ModelDownloader.DirectoryFor(isLinux: true, name => name switch
        {
            "XDG_CACHE_HOME" => xdg,
            "HOME" => home,
            _ => null,
        });

        directory.Should().Be(expected);
    }

    [Fact]
    public void DefaultDirectory_ElsewhereIsUnderLocalApplicationData()
    {
        var directory = ModelDownloader.DirectoryFor(isLinux: false, _ => null);

        directory.Should().Be(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "ChatBedrock", "models"));
    }

    [Fact]
    public void DefaultModel_IsPinnedToARevisionWithSizeAndChecksum()
    {
        var model = ModelFile.Default;

        model.Url.Scheme.Should().Be("https");
        model.Url.AbsolutePath.Should().Contain("/resolve/9217f5db79a29953eb74d5343926648285ec7e67/").And.EndWith(model.FileName);
        model.Sha256.Should().MatchRegex("^[0-9a-f]{64}$");
        model.Size.Should().BeInRange(100_000_000, 600_000_000);
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(1).NextBytes(bytes);
        return bytes;
    }

    private sealed class RecordingProgress(Action<DownloadProgress>? onReport = null) : IProgress<DownloadProgress>
    {
        public List<DownloadProgress> Reports { get; } = [];

        public void Report(DownloadProgress value)
        {
            Reports.Add(value);
            onReport?.Invoke(value);
        }
    }
}
