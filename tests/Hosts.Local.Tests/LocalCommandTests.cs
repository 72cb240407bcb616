using System.Net;
using System.Net.Sockets;
using ChatBedrock.Hosts.Local.Models;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace ChatBedrock.Hosts.Local.Tests;

/// <summary>The command as `dotnet run` starts it: what stops it at start is one clear line and a non-zero exit code.</summary>
public sealed class LocalCommandTests
{
    private readonly FakeLogCollector _log = new();
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    [Fact]
    public async Task BusyPort_IsOneLineNamingThePortAndUrls_WithoutAStackTrace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var exit = await RunAsync(["--urls", $"http://127.0.0.1:{port}", "--store", "memory"], [new ScriptedModelProvider(new ScriptedLanguageModel())]);

        exit.Should().Be(LocalCommand.CannotListen);
        var lines = _error.ToString().TrimEnd().Split('\n');
        lines.Should().ContainSingle();
        lines[0].Should().StartWith($"Port {port} is already in use (http://127.0.0.1:{port})").And.Contain("--urls http://127.0.0.1:");
        _log.GetSnapshot().Should().NotContain(r => r.Exception != null, "the host's own log of the failure would print the stack trace");
    }

    [Fact]
    public async Task ModelThatIsNotGguf_IsRefusedAtStart_SayingWhatWasExpected()
    {
        var folder = Directory.CreateTempSubdirectory("chatbedrock-not-gguf-").FullName;
        try
        {
            var notGguf = Path.Combine(folder, "model.gguf");
            await File.WriteAllTextAsync(notGguf, "<html>a sign-in page saved by mistake</html>", TestContext.Current.CancellationToken);

            var exit = await RunAsync(["--urls", "http://127.0.0.1:0", "--store", "memory", "--model-provider", "local", "--model", notGguf], [new LocalModelProvider()]);

            exit.Should().Be(LocalCommand.InvalidSettings);
            _error.ToString().Should().Contain("must be a GGUF model file").And.Contain("'GGUF'").And.Contain(notGguf);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Help_PrintsTheUsage_AndExitsWithZero()
    {
        var exit = await RunAsync(["--help"], []);

        exit.Should().Be(LocalCommand.Stopped);
        _output.ToString().Should().Contain("--urls <url>");
    }

    private Task<int> RunAsync(string[] args, IReadOnlyList<IModelProvider> providers) => LocalCommand.RunAsync(
        new LocalHostOptions
        {
            Args = args,
            ModelProviders = providers,
            ConfigureServices = services => services.AddLogging(logging => logging.ClearProviders().AddProvider(new FakeLoggerProvider(_log))),
        },
        _output,
        _error);
}
