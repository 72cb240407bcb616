using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ChatBedrock.Testing.Bedrock;
using ChatBedrock.Testing.Dynalite;
using ChatBedrock.Testing.Lambda;

namespace ChatBedrock.Lambda.Benchmarks;

/// <summary>
/// Cold start, first answer and memory of the real <c>bootstrap</c> process, in the environment Lambda gives a
/// function (<see cref="LambdaTestBed.FunctionEnvironment"/>: its variables and no others, temporary credentials,
/// a HOME without AWS files), against the floor — a C program that only speaks the Runtime API, compiled here
/// from <c>Floor/runtime_floor.c</c> — in the same run, alternating starts, so the ratio holds on a shared machine.
/// Each process gets a fresh <see cref="FakeRuntimeApi"/> and the <see cref="LambdaTestBed"/> (dynalite, the Bedrock
/// emulator). Not BenchmarkDotNet: what is measured is a process's first moments, once per process.
/// </summary>
internal static class ColdStartReport
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>How long after the first <c>/next</c> the first event comes in the second kind of start (the warm-ups' time).</summary>
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    /// <param name="runs">Cold starts of each program.</param>
    /// <param name="load">Invocations of the sequential load, one process of each program.</param>
    /// <param name="baseline">Another published bootstrap (an earlier build) to measure in the same run, or null.</param>
    /// <param name="jit">Whether to measure the host on the JIT runtime too.</param>
    /// <param name="output">Where the Markdown tables go.</param>
    public static async Task RunAsync(int runs, int load, string? baseline, bool jit, TextWriter output)
    {
        var root = DynaliteServer.RepositoryRoot();
        var scratch = Directory.CreateTempSubdirectory("chatbedrock-coldstart-");
        try
        {
            var home = Directory.CreateDirectory(Path.Combine(scratch.FullName, "home")).FullName;
            List<Runtime> runtimes =
            [
                new("Floor (C, Runtime API only)", await CompileFloorAsync(root, scratch.FullName).ConfigureAwait(false), [], IsHost: false),
                new(".NET floor (AOT, Runtime API only)", await PublishDotnetFloorAsync(root, scratch.FullName).ConfigureAwait(false), [], IsHost: false),
                new("Native AOT bootstrap", Required(Path.Combine(root, "artifacts", "lambda", "publish", "bootstrap"), "dotnet publish src/Hosts.Lambda -c Release -r linux-x64"), [], IsHost: true),
            ];
            if (baseline is not null)
            {
                runtimes.Add(new("Native AOT bootstrap (baseline)", Required(Path.GetFullPath(baseline), "(the baseline given)"), [], IsHost: true));
            }

            if (jit)
            {
                runtimes.Add(new("JIT (`dotnet bootstrap.dll`)", "dotnet", [Required(Path.Combine(root, "src", "Hosts.Lambda", "bin", "Release", "net10.0", "bootstrap.dll"), "dotnet build src/Hosts.Lambda -c Release")], IsHost: true));
            }

            await using var testBed = await LambdaTestBed.StartAsync().ConfigureAwait(false);
            await using var bedrock = await testBed.StartBedrockForTemporaryCredentialsAsync().ConfigureAwait(false);
            var context = new Context(testBed, bedrock, home);

            // One start of each first, discarded: it loads the files into the page cache.
            foreach (var runtime in runtimes)
            {
                await ColdStartAsync(runtime, context, TimeSpan.Zero).ConfigureAwait(false);
            }

            var starts = runtimes.ToDictionary(r => r, _ => new List<ColdStart>());
            var paused = runtimes.ToDictionary(r => r, _ => new List<ColdStart>());
            for (var run = 0; run < runs; run++)
            {
                foreach (var runtime in runtimes)
                {
                    starts[runtime].Add(await ColdStartAsync(runtime, context, TimeSpan.Zero).ConfigureAwait(false));
                    paused[runtime].Add(await ColdStartAsync(runtime, context, Pause).ConfigureAwait(false));
                }
            }

            output.WriteLine($"Cold start: {runs} starts of each, alternating; median (min–max) in ms; peak RSS after the second invocation.");
            output.WriteLine();
            output.WriteLine($"| Program | Process start → first `/next` | of which host init (its log) | First invocation | Second invocation | First ÷ second | First invocation, event {Pause.TotalMilliseconds:0} ms after `/next` | Its ÷ second | Peak RSS |");
            output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
            foreach (var runtime in runtimes)
            {
                var s = starts[runtime];
                var hostInit = runtime.IsHost ? Stat(s, c => c.HostInit) : "–";
                output.WriteLine(Invariant($"| {runtime.Name} | {Stat(s, c => c.Init)} | {hostInit} | {Stat(s, c => c.First)} | {Stat(s, c => c.Second)} | {Median(s, c => c.First) / Median(s, c => c.Second):0.0}× | {Stat(paused[runtime], c => c.First)} | {Median(paused[runtime], c => c.First) / Median(paused[runtime], c => c.Second):0.0}× | {Median(s, c => c.PeakKilobytes) / 1024.0:0.0} MB |"));
            }

            output.WriteLine();
            var floor = Median(starts[runtimes[0]], c => c.Init);
            var dotnetFloor = Median(starts[runtimes[1]], c => c.Init);
            foreach (var runtime in runtimes.Skip(1))
            {
                output.WriteLine(Invariant($"- {runtime.Name}: process start → first `/next` is {Median(starts[runtime], c => c.Init) / floor:0.0}× the floor's, {Median(starts[runtime], c => c.Init) / dotnetFloor:0.0}× the .NET floor's; its first invocation {Median(starts[runtime], c => c.First) / Median(starts[runtime], c => c.Second):0.0}× its second ({Median(paused[runtime], c => c.First) / Median(paused[runtime], c => c.Second):0.0}× when the event comes {Pause.TotalMilliseconds:0} ms after `/next`)."));
            }

            output.WriteLine();
            output.WriteLine($"Sequential load: {load} invocations into one process of each program, all running side by side, one invocation at a time, alternating between them (a chat turn by Function URL or direct invocation, every tenth a history read; 10 turns a session).");
            output.WriteLine();
            output.WriteLine("| Program | Peak RSS (VmHWM) | RSS at the end | Invocation p50 | p99 |");
            output.WriteLine("| --- | ---: | ---: | ---: | ---: |");
            var results = await LoadAsync(runtimes, context, load).ConfigureAwait(false);
            foreach (var runtime in runtimes)
            {
                var result = results[runtime];
                output.WriteLine(Invariant($"| {runtime.Name} | {result.PeakKilobytes / 1024.0:0.0} MB | {result.EndKilobytes / 1024.0:0.0} MB | {Percentile(result.Latencies, 0.5):0.00} ms | {Percentile(result.Latencies, 0.99):0.00} ms |"));
            }
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }

    private static async Task<string> CompileFloorAsync(string root, string directory)
    {
        var executable = Path.Combine(directory, "bootstrap-floor");
        var compile = Process.Start(new ProcessStartInfo("cc", ["-O2", "-o", executable, Path.Combine(root, "benchmarks", "Lambda.Benchmarks", "Floor", "runtime_floor.c")]))
            ?? throw new InvalidOperationException("cc did not start.");
        await compile.WaitForExitAsync().ConfigureAwait(false);
        return compile.ExitCode == 0 ? executable : throw new InvalidOperationException("cc could not compile Floor/runtime_floor.c.");
    }

    /// <summary>Publishes <c>DotnetFloor</c> (Native AOT, bootstrap's settings) into <paramref name="directory"/>.</summary>
    private static async Task<string> PublishDotnetFloorAsync(string root, string directory)
    {
        var output = Path.Combine(directory, "dotnet-floor");
        var project = Path.Combine(root, "benchmarks", "Lambda.Benchmarks", "DotnetFloor", "DotnetFloor.csproj");
        var publish = Process.Start(new ProcessStartInfo("dotnet", ["publish", project, "-c", "Release", "-r", "linux-x64", "-o", output, "--nologo"]) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("dotnet publish did not start.");
        var log = await publish.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await publish.WaitForExitAsync().ConfigureAwait(false);
        return publish.ExitCode == 0 ? Path.Combine(output, "bootstrap-dotnet-floor") : throw new InvalidOperationException("DotnetFloor could not be published:\n" + log);
    }

    /// <summary>One cold start: process start → first <c>/next</c>, then two invocations in one session.</summary>
    /// <param name="runtime">The program.</param>
    /// <param name="context">The test bed.</param>
    /// <param name="pause">How long after the first <c>/next</c> the first event is queued: zero as on an on-demand cold start, where the event waits.</param>
    private static async Task<ColdStart> ColdStartAsync(Runtime runtime, Context context, TimeSpan pause)
    {
        await using var api = new FakeRuntimeApi();
        var started = Stopwatch.GetTimestamp();
        using var process = BootstrapProcess.Start(runtime.FileName, runtime.Arguments, Environment(runtime, context, api));
        try
        {
            await api.FirstNext.WaitAsync(Patience).ConfigureAwait(false);
            var init = Stopwatch.GetElapsedTime(started, api.FirstNextTimestamp);
            if (pause > TimeSpan.Zero)
            {
                await Task.Delay(pause).ConfigureAwait(false);
            }

            var session = "coldstart-" + Guid.NewGuid().ToString("N");
            var first = await TimeAsync(api, FunctionUrlEvents.Chat(session), process).ConfigureAwait(false);
            var second = await TimeAsync(api, FunctionUrlEvents.Chat(session), process).ConfigureAwait(false);
            var (peak, _) = process.Memory();
            return new ColdStart(init.TotalMilliseconds, runtime.IsHost ? process.HostInitMilliseconds() : 0, first, second, peak);
        }
        finally
        {
            await process.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The load, alternating: invocation i goes to every program in turn before invocation i + 1, so whatever
    /// changes over the run (other work on the machine, dynalite's and the emulator's own warming up) weighs on
    /// all programs alike. One program after the other favoured whichever ran second by 0.4–0.7 ms at p50.
    /// </summary>
    private static async Task<Dictionary<Runtime, LoadResult>> LoadAsync(List<Runtime> runtimes, Context context, int load)
    {
        var apis = runtimes.ToDictionary(r => r, _ => new FakeRuntimeApi());
        var processes = new Dictionary<Runtime, BootstrapProcess>();
        try
        {
            foreach (var runtime in runtimes)
            {
                processes[runtime] = BootstrapProcess.Start(runtime.FileName, runtime.Arguments, Environment(runtime, context, apis[runtime]));
                await apis[runtime].FirstNext.WaitAsync(Patience).ConfigureAwait(false);
            }

            var run = Guid.NewGuid().ToString("N");
            var latencies = runtimes.ToDictionary(r => r, _ => new List<double>(load));
            for (var i = 0; i < load; i++)
            {
                for (var r = 0; r < runtimes.Count; r++)
                {
                    var session = $"load-{run}-{r}-{i / 10}";
                    var payload = (i % 10) switch
                    {
                        9 => FunctionUrlEvents.Get($"/sessions/{session}/messages", ""),
                        var n when n % 2 == 0 => FunctionUrlEvents.Chat(session),
                        _ => Encoding.UTF8.GetBytes($$"""{"input_text": "今日の新潟の天気はどうですか？", "session_id": "{{session}}"}"""),
                    };
                    latencies[runtimes[r]].Add(await TimeAsync(apis[runtimes[r]], payload, processes[runtimes[r]]).ConfigureAwait(false));
                }
            }

            return runtimes.ToDictionary(r => r, r =>
            {
                var (peak, end) = processes[r].Memory();
                return new LoadResult(peak, end, latencies[r]);
            });
        }
        finally
        {
            foreach (var (runtime, process) in processes)
            {
                await process.StopAsync().ConfigureAwait(false);
                process.Dispose();
            }

            foreach (var api in apis.Values)
            {
                await api.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>Milliseconds from queuing the event to the Runtime API's receipt of the complete answer; a failed answer stops the report.</summary>
    private static async Task<double> TimeAsync(FakeRuntimeApi api, byte[] payload, BootstrapProcess process)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await api.Invoke(payload).AnswerAsync(Patience).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started, answer.Timestamp).TotalMilliseconds;
        var ok = !answer.IsError && (!answer.Text.Contains("\"statusCode\"", StringComparison.Ordinal)
            || JsonDocument.Parse(answer.Body).RootElement.GetProperty("statusCode").GetInt32() == 200);
        return ok ? elapsed : throw new InvalidOperationException($"The invocation failed: {answer.Text}\n{process.Output}");
    }

    private static Dictionary<string, string?> Environment(Runtime runtime, Context context, FakeRuntimeApi api)
    {
        var taskRoot = Path.GetDirectoryName(runtime.Arguments.FirstOrDefault() ?? runtime.FileName)!;
        return context.TestBed.FunctionEnvironment(context.Bedrock, api.Address, taskRoot, context.Home);
    }

    private static string Required(string path, string command) =>
        File.Exists(path) ? path : throw new InvalidOperationException($"{path} is missing: run `{command}` first.");

    private static double Median(List<ColdStart> starts, Func<ColdStart, double> value) => Percentile(starts.Select(value).ToList(), 0.5);

    private static string Stat(List<ColdStart> starts, Func<ColdStart, double> value)
    {
        var values = starts.Select(value).ToList();
        return Invariant($"{Percentile(values, 0.5):0.0} ({values.Min():0.0}–{values.Max():0.0})");
    }

    private static double Percentile(List<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(percentile * sorted.Count))];
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private sealed record Runtime(string Name, string FileName, string[] Arguments, bool IsHost);

    private sealed record Context(LambdaTestBed TestBed, BedrockEmulator Bedrock, string Home);

    private sealed record ColdStart(double Init, double HostInit, double First, double Second, double PeakKilobytes);

    private sealed record LoadResult(long PeakKilobytes, long EndKilobytes, List<double> Latencies);
}
