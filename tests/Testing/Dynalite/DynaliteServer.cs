using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatBedrock.Testing.Dynalite;

/// <summary>
/// A real DynamoDB API server for integration tests: dynalite (pinned in the repository's package.json),
/// in memory, on a free loopback port, with tables becoming active at once. Installs the npm packages with
/// <c>npm ci</c> on first use when <c>node_modules/dynalite</c> is missing, so <c>dotnet test</c> works on a
/// fresh clone. Disposing kills the process tree.
/// </summary>
public sealed class DynaliteServer : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan InstallTimeout = TimeSpan.FromMinutes(5);

    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <summary>The endpoint to use as the client's service URL, e.g. <c>http://127.0.0.1:40123</c>; set by <see cref="StartAsync"/>.</summary>
    public Uri? Endpoint { get; private set; }

    /// <summary>Starts dynalite and waits until its port answers. Returns the endpoint.</summary>
    public async Task<Uri> StartAsync(CancellationToken cancellationToken = default)
    {
        if (Endpoint is not null)
        {
            return Endpoint;
        }

        var root = RepositoryRoot();
        var cli = Path.Combine(root, "node_modules", "dynalite", "cli.js");
        if (!File.Exists(cli))
        {
            await InstallNpmPackagesAsync(root, cancellationToken).ConfigureAwait(false);
        }

        // A free port can be taken by someone else before dynalite binds it; try a few.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort();
            _process = StartNode(root, cli, port);
            try
            {
                await WaitUntilListeningAsync(_process, port, cancellationToken).ConfigureAwait(false);
                Endpoint = new Uri($"http://127.0.0.1:{port}");
                return Endpoint;
            }
            catch (InvalidOperationException) when (attempt < 3 && _process.HasExited)
            {
                _process.Dispose();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException)
        {
            // The process ended by itself meanwhile.
        }
        finally
        {
            _process.Dispose();
            _process = null;
        }
    }

    /// <summary>The folder holding ChatBedrock.sln, found by walking up from the test binaries.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ChatBedrock.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ChatBedrock.sln not found above " + AppContext.BaseDirectory);
    }

    private Process StartNode(string root, string cli, int port)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            cli, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--createTableMs", "0", "--deleteTableMs", "0", "--updateTableMs", "0",
        })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("Node.js 20 or later must be on PATH to run dynalite (the DynamoDB API server of the integration tests).", e);
        }

        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

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

    private async Task WaitUntilListeningAsync(Process process, int port, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"dynalite exited with code {process.ExitCode}: {Output()}");
            }

            using var probe = new TcpClient();
            try
            {
                await probe.ConnectAsync(IPAddress.Loopback, port, timeout.Token).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new InvalidOperationException($"dynalite did not listen on port {port} within {StartTimeout.TotalSeconds} s: {Output()}");
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task InstallNpmPackagesAsync(string root, CancellationToken cancellationToken)
    {
        // Test assemblies run in parallel; one installs while the others wait on the same lock file.
        var lockPath = Path.Combine(Path.GetTempPath(), $"chatbedrock-npm-{(uint)StringComparer.Ordinal.GetHashCode(root):x8}.lock");
        await using var gate = await AcquireAsync(lockPath, cancellationToken).ConfigureAwait(false);
        if (File.Exists(Path.Combine(root, "node_modules", "dynalite", "cli.js")))
        {
            return;
        }

        var start = new ProcessStartInfo("npm")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "ci", "--no-audit", "--no-fund", "--loglevel=error" })
        {
            start.ArgumentList.Add(argument);
        }

        using var npm = StartOrExplain(start);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        var stdout = npm.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = npm.StandardError.ReadToEndAsync(timeout.Token);
        await npm.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException($"'npm ci' in {root} failed with code {npm.ExitCode}: {await stdout.ConfigureAwait(false)}{await stderr.ConfigureAwait(false)}");
        }
    }

    private static Process StartOrExplain(ProcessStartInfo start)
    {
        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("npm did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("npm (Node.js 20 or later) must be on PATH to install dynalite for the integration tests.", e);
        }
    }

    private static async Task<FileStream> AcquireAsync(string path, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(InstallTimeout);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(200, timeout.Token).ConfigureAwait(false);
            }
        }
    }
}
