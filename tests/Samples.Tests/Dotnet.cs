using System.Diagnostics;
using System.Text;

namespace ChatBedrock.Samples.Tests;

/// <summary>Runs the <c>dotnet</c> CLI (or a built sample) as a consumer would, bounded in time.</summary>
internal static class Dotnet
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>Runs <paramref name="fileName"/> to its end; on <paramref name="timeout"/> kills it and fails.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IReadOnlyList<string> args, string workingDirectory, TimeSpan timeout)
    {
        using var process = Start(fileName, args, workingDirectory, out var output);
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish within {timeout}:\n{output}");
        }

        return (process.ExitCode, output.ToString());
    }

    /// <summary>Starts a process with its output and error collected into <paramref name="output"/>, line by line.</summary>
    public static Process Start(string fileName, IReadOnlyList<string> args, string workingDirectory, out StringBuilder output)
    {
        var info = new ProcessStartInfo(fileName, args)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var collected = new StringBuilder();
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = collected;
        return process;

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (collected)
                {
                    collected.AppendLine(line);
                }
            }
        }
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
