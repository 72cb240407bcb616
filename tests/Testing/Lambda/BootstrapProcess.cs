using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace ChatBedrock.Testing.Lambda;

/// <summary>
/// A Lambda host running as its own process (the published <c>bootstrap</c>, or <c>dotnet bootstrap.dll</c>)
/// with exactly the given environment plus PATH and HOME, as Lambda gives a function only its own variables.
/// Its output (JSON log lines) is collected.
/// </summary>
public sealed class BootstrapProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private BootstrapProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the process wrote so far, stdout and stderr.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static BootstrapProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var start = new ProcessStartInfo(fileName, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment.Clear();
        start.Environment["PATH"] = System.Environment.GetEnvironmentVariable("PATH");
        start.Environment["HOME"] = System.Environment.GetEnvironmentVariable("HOME");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
        var bootstrap = new BootstrapProcess(process);
        process.OutputDataReceived += (_, e) => bootstrap.Append(e.Data);
        process.ErrorDataReceived += (_, e) => bootstrap.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return bootstrap;
    }

    /// <summary>Waits until the process exits by itself; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Kills the process (as Lambda ends an execution environment) and waits until it is gone.</summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync().ConfigureAwait(false);
    }

    /// <summary>Peak and current resident set size in KB (<c>VmHWM</c>, <c>VmRSS</c> of /proc/pid/status), while it runs.</summary>
    public (long PeakKilobytes, long Kilobytes) Memory()
    {
        var status = File.ReadAllLines($"/proc/{_process.Id}/status");
        return (Kilobytes("VmHWM:"), Kilobytes("VmRSS:"));

        long Kilobytes(string field) =>
            long.Parse(status.Single(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The host's own initialization time, from its "Ready in … ms" log line.</summary>
    public double HostInitMilliseconds()
    {
        foreach (var line in Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var entry = JsonDocument.Parse(line);
            if (entry.RootElement.TryGetProperty("InitMilliseconds", out var milliseconds))
            {
                return milliseconds.GetDouble();
            }
        }

        throw new InvalidOperationException("The host logged no 'Ready in' line:\n" + Output);
    }

    public void Dispose() => _process.Dispose();

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
