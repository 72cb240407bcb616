using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatBedrock.Testing.Lambda;

namespace ChatBedrock.Hosts.Lambda.Tests;

public sealed partial class PublishedBootstrapTests
{
    [Fact]
    public async Task Bootstrap_NeedsNoGlibcSymbolNewerThanAmazonLinux2023s()
    {
        var path = await PublishedBootstrap.PathAsync();
        var objdump = Process.Start(new ProcessStartInfo("objdump", ["-T", path]) { RedirectStandardOutput = true })!;
        var symbols = await objdump.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await objdump.WaitForExitAsync(TestContext.Current.CancellationToken);

        var versions = GlibcVersion().Matches(symbols).Select(m => Version.Parse(m.Groups[1].Value)).ToList();

        versions.Should().NotBeEmpty();
        versions.Max().Should().BeLessThanOrEqualTo(new Version(2, 34));
    }

    [Fact]
    public async Task DeploymentZip_HoldsBootstrapAloneAndExecutable()
    {
        await PublishedBootstrap.PathAsync();

        using var zip = ZipFile.OpenRead(Path.Combine(PublishedBootstrap.RepositoryRoot, "artifacts", "lambda", "bootstrap.zip"));

        zip.Entries.Select(e => e.FullName).Should().Equal("bootstrap");
        ((zip.Entries[0].ExternalAttributes >> 16) & 0b001_001_001).Should().Be(0b001_001_001, "Lambda runs bootstrap, so everyone may execute it");
    }

    [Fact]
    public async Task Bootstrap_WithAnInvalidSetting_ReportsAnInitErrorNamingIt_AndExits1()
    {
        await using var runtime = new FakeRuntimeApi();

        var (exitCode, output) = await PublishedBootstrap.RunAsync(
            new() { ["AWS_LAMBDA_RUNTIME_API"] = runtime.Address, ["CHAT_TEMPERATURE"] = "hot" }, TestContext.Current.CancellationToken);
        var initError = await runtime.InitError.WaitAsync(TimeSpan.FromSeconds(5), TestContext.Current.CancellationToken);

        exitCode.Should().Be(1, output);
        initError.Headers["Lambda-Runtime-Function-Error-Type"].Should().Be("ConfigurationInvalid");
        JsonDocument.Parse(initError.Body).RootElement.GetProperty("errorMessage").GetString().Should().Contain("CHAT_TEMPERATURE");
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().AllSatisfy(line => JsonDocument.Parse(line));
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();
}
