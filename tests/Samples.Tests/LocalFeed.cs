using System.Text.Json;
using System.Xml.Linq;
using ChatBedrock.Testing;

namespace ChatBedrock.Samples.Tests;

/// <summary>
/// Every src library packed once per test run into artifacts/consumer/feed, the folder feed the samples' NuGet.config
/// names. The version is the repository's <c>VersionPrefix</c> with a suffix unique to the run, so restore never
/// serves an earlier pack from the NuGet cache; the run's packages are removed from the cache afterwards.
/// </summary>
public sealed class LocalFeed : IAsyncLifetime
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(15);

    public static string VersionPrefix { get; } =
        XDocument.Load(Path.Combine(Dotnet.RepositoryRoot, "Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

    public string Folder { get; } = Path.Combine(Dotnet.RepositoryRoot, "artifacts", "consumer", "feed");

    public string Version { get; } = $"{VersionPrefix}-consumer.{DateTime.UtcNow:yyyyMMddHHmmssfff}";

    /// <summary>The packable libraries: every src project with a README that does not opt out of packing.</summary>
    public static IReadOnlyList<string> Libraries { get; } = [.. Directory.GetFiles(Path.Combine(Dotnet.RepositoryRoot, "src"), "*.csproj", SearchOption.AllDirectories)
        .Where(p => File.Exists(Path.Combine(Path.GetDirectoryName(p)!, "README.md")) && !File.ReadAllText(p).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal))
        .Select(p => Path.GetRelativePath(Dotnet.RepositoryRoot, p))
        .Order(StringComparer.Ordinal)];

    /// <summary>What the pack took, for the test's report.</summary>
    public TimeSpan PackDuration { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }

        // One pack of the libraries only (a solution filter), not of the tests and hosts.
        var filter = Path.Combine(Dotnet.RepositoryRoot, "artifacts", "consumer", "libraries.slnf");
        Directory.CreateDirectory(Path.GetDirectoryName(filter)!);
        await File.WriteAllTextAsync(filter, JsonSerializer.Serialize(new { solution = new { path = "../../ChatBedrock.sln", projects = Libraries } }));

        using var buildLock = await ReleaseBuildLock.AcquireAsync(Dotnet.RepositoryRoot, PackTimeout);
        var started = DateTime.UtcNow;
        // PackageVersion, not Version: the assemblies' version stays, so the Release build ./test.sh made is reused.
        var (exitCode, output) = await Dotnet.RunAsync(
            "dotnet", ["pack", filter, "-c", "Release", "-o", Folder, $"-p:PackageVersion={Version}", "-nodeReuse:false", "--nologo", "-v", "quiet"],
            Dotnet.RepositoryRoot, PackTimeout);
        PackDuration = DateTime.UtcNow - started;
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dotnet pack of the libraries failed ({exitCode}):\n{output}");
        }
    }

    public ValueTask DisposeAsync()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var package in Directory.Exists(cache) ? Directory.GetDirectories(cache, "chatbedrock.*") : [])
        {
            var extracted = Path.Combine(package, Version.ToLowerInvariant());
            if (Directory.Exists(extracted))
            {
                Directory.Delete(extracted, recursive: true);
            }
        }

        return ValueTask.CompletedTask;
    }
}
