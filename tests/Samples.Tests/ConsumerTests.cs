using System.IO.Compression;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ChatBedrock.Samples.Tests;

/// <summary>
/// The samples in samples/ are new apps that know ChatBedrock only through its packages: each is restored from
/// the run's local feed (<see cref="LocalFeed"/>) and nuget.org, built, run and checked from the outside.
/// </summary>
public sealed partial class ConsumerTests(LocalFeed feed, ITestOutputHelper log) : IClassFixture<LocalFeed>
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);
    private static readonly string Samples = Path.Combine(Dotnet.RepositoryRoot, "samples");

    [Fact]
    public async Task ConsoleSample_PublishedWithNativeAot_WithoutWarnings_ContinuesAConversation()
    {
        var sample = Path.Combine(Samples, "Console");
        var output = Path.Combine(Dotnet.RepositoryRoot, "artifacts", "consumer", "console");
        var started = DateTime.UtcNow;

        // One restore and one build: the Native AOT publish is also the build the test runs.
        var (exitCode, text) = await Dotnet.RunAsync(
            "dotnet", ["publish", "-c", "Release", "-r", "linux-x64", "-o", output, $"-p:ChatBedrockVersion={feed.Version}", "-nodeReuse:false", "--nologo"],
            sample, BuildTimeout);
        log.WriteLine($"pack {feed.PackDuration.TotalSeconds:F0} s; console restore + Native AOT publish {(DateTime.UtcNow - started).TotalSeconds:F0} s");

        exitCode.Should().Be(0, text);
        Warning().Matches(text).Select(m => m.Value).Should().BeEmpty("the sample publishes with Native AOT without a warning:\n" + text);

        var (runExit, printed) = await Dotnet.RunAsync(Path.Combine(output, "Console"), [], sample, TimeSpan.FromMinutes(1));
        runExit.Should().Be(0, printed);
        printed.Should().MatchRegex(@"^[0-9a-f-]{36}: You said 'What did I say\?' \(3 messages so far\)\.\s*$", "the second turn saw the first one's history");
    }

    [Fact]
    public async Task AspNetCoreSample_ServesStatusAndATurn_OnAFreeLoopbackPort()
    {
        var sample = Path.Combine(Samples, "AspNetCore");
        var started = DateTime.UtcNow;
        var (exitCode, text) = await Dotnet.RunAsync(
            "dotnet", ["build", $"-p:ChatBedrockVersion={feed.Version}", "-nodeReuse:false", "--nologo"], sample, BuildTimeout);
        log.WriteLine($"ASP.NET Core sample restore + build {(DateTime.UtcNow - started).TotalSeconds:F0} s");
        exitCode.Should().Be(0, text);

        using var server = Dotnet.Start("dotnet", [Path.Combine(sample, "bin", "Debug", "net10.0", "AspNetCore.dll"), "--urls", "http://127.0.0.1:0"], sample, out var output);
        try
        {
            var address = await ListeningAddressAsync(output, server);
            using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
            var ct = TestContext.Current.CancellationToken;

            var status = await client.GetFromJsonAsync<JsonElement>("/status", ct);
            status.GetProperty("model").GetProperty("model_id").GetString().Should().Be("echo");
            status.GetProperty("store").GetString().Should().Be("memory");

            using var turn = await client.PostAsJsonAsync("/", new { input_text = "こんにちは" }, ct);
            turn.EnsureSuccessStatusCode();
            (await turn.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("output_text").GetString().Should().Be("You said 'こんにちは'.");
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void Packages_CarryRepositoryUrls_SymbolPackages_AndReadmesWithoutRelativeLinks()
    {
        var packages = Directory.GetFiles(feed.Folder, "*.nupkg");
        packages.Should().HaveCount(LocalFeed.Libraries.Count, "every library packs");

        foreach (var package in packages)
        {
            File.Exists(Path.ChangeExtension(package, ".snupkg")).Should().BeTrue($"{Path.GetFileName(package)} has a symbol package");
            using var zip = ZipFile.OpenRead(package);
            using (var nuspec = zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open())
            {
                var metadata = XDocument.Load(nuspec).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
                metadata.Elements().Single(e => e.Name.LocalName == "projectUrl").Value.Should().StartWith("https://");
                var repository = metadata.Elements().Single(e => e.Name.LocalName == "repository");
                ((string?)repository.Attribute("url")).Should().StartWith("https://");
                ((string?)repository.Attribute("commit")).Should().MatchRegex("^[0-9a-f]{40}$", "SourceLink records the commit");
            }

            using var reader = new StreamReader(zip.GetEntry("README.md")!.Open());
            var relative = Link().Matches(reader.ReadToEnd()).Select(m => m.Groups[1].Value)
                .Where(target => !target.StartsWith("https://", StringComparison.Ordinal) && !target.StartsWith("http://", StringComparison.Ordinal) && !target.StartsWith('#'));
            relative.Should().BeEmpty($"links inside {Path.GetFileName(package)} cannot reach the repository's files");
        }
    }

    private static async Task<Uri> ListeningAddressAsync(System.Text.StringBuilder output, System.Diagnostics.Process server)
    {
        // Kestrel picks the free port; its start-up log line says which. Bounded: 60 s.
        for (var attempt = 0; attempt < 600; attempt++)
        {
            string text;
            lock (output)
            {
                text = output.ToString();
            }

            if (Listening().Match(text) is { Success: true } match)
            {
                return new Uri(match.Groups[1].Value);
            }

            if (server.HasExited)
            {
                throw new InvalidOperationException($"The sample exited ({server.ExitCode}):\n{text}");
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new TimeoutException("The sample did not start listening within 60 s:\n" + output);
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    [GeneratedRegex(@"\bwarning [A-Z]+\d+")]
    private static partial Regex Warning();

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
