using System.Diagnostics;
using ChatBedrock.Testing;
using ChatBedrock.Testing.Lambda;

namespace ChatBedrock.Hosts.Lambda.Tests;

/// <summary>
/// The Native AOT <c>bootstrap</c> as <c>dotnet publish src/Hosts.Lambda -c Release -r linux-x64</c> makes it
/// (artifacts/lambda/publish/bootstrap). Published on first use when missing or older than any source file,
/// so a fresh clone tests what it ships.
/// </summary>
public sealed class PublishedBootstrap
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static string? _path;

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The path of the published executable, publishing it first if needed.</summary>
    public static async Task<string> PathAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _path ??= await PublishIfStaleAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Runs <c>bootstrap</c> with exactly <paramref name="environment"/> (plus PATH and HOME) until it exits or <paramref name="stop"/> fires.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(Dictionary<string, string?> environment, CancellationToken stop)
    {
        using var process = BootstrapProcess.Start(await PathAsync(), [], environment);
        try
        {
            await process.WaitForExitAsync(stop);
            return (process.ExitCode, process.Output);
        }
        catch (OperationCanceledException)
        {
            await process.StopAsync();
            return (-1, process.Output);
        }
    }

    private static async Task<string> PublishIfStaleAsync()
    {
        var path = Path.Combine(RepositoryRoot, "artifacts", "lambda", "publish", "bootstrap");
        var newestSource = Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "src"), "*", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Max(File.GetLastWriteTimeUtc);
        if (File.Exists(path) && File.GetLastWriteTimeUtc(path) >= newestSource)
        {
            return path;
        }

        using var buildLock = await ReleaseBuildLock.AcquireAsync(RepositoryRoot, TimeSpan.FromMinutes(20));
        var publish = new ProcessStartInfo("dotnet", ["publish", "src/Hosts.Lambda", "-c", "Release", "-r", "linux-x64", "--nologo"])
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(publish)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 || !File.Exists(path))
        {
            throw new InvalidOperationException(
                $"dotnet publish src/Hosts.Lambda -c Release -r linux-x64 failed ({process.ExitCode}); Native AOT needs clang and zlib1g-dev (test.sh installs them).\n{await stdout}\n{await stderr}");
        }

        return path;
    }

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ChatBedrock.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ChatBedrock.sln not found above " + AppContext.BaseDirectory);
    }
}
