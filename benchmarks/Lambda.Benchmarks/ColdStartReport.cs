using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using ChatBedrock.Testing.Bedrock;
using ChatBedrock.Testing.Dynalite;
using ChatBedrock.Testing.Lambda;

namespace ChatBedrock.Lambda.Benchmarks;

/// <summary>
/// Cold start and memory of the real <c>bootstrap</c> process, Native AOT against the same host on the JIT
/// runtime, in one run: each process is started against a fresh <see cref="FakeRuntimeApi"/> and the
/// <see cref="LambdaTestBed"/> (dynalite, the Bedrock emulator), as Lambda starts a new execution environment.
/// Not BenchmarkDotNet: what is measured is a process's first moments, once per process.
/// </summary>
internal static class ColdStartReport
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(int runs, int load, TextWriter output)
    {
        var root = DynaliteServer.RepositoryRoot();
        Runtime[] runtimes =
        [
            new("Native AOT", Required(Path.Combine(root, "artifacts", "lambda", "publish", "bootstrap"), "dotnet publish src/Hosts.Lambda -c Release -r linux-x64"), []),
            new("JIT", "dotnet", [Required(Path.Combine(root, "src", "Hosts.Lambda", "bin", "Release", "net10.0", "bootstrap.dll"), "dotnet build src/Hosts.Lambda -c Release")]),
        ];
        await using var testBed = await LambdaTestBed.StartAsync().ConfigureAwait(false);
        await using var bedrock = await testBed.StartBedrockAsync().ConfigureAwait(false);

        // One start of each first, discarded: it loads the files into the page cache.
        foreach (var runtime in runtimes)
        {
            await ColdStartAsync(runtime, testBed, bedrock).ConfigureAwait(false);
        }

        var starts = runtimes.ToDictionary(r => r, _ => new List<ColdStart>());
        for (var run = 0; run < runs; run++)
        {
            foreach (var runtime in runtimes)
            {
                starts[runtime].Add(await ColdStartAsync(runtime, testBed, bedrock).ConfigureAwait(false));
            }
        }

        output.WriteLine($"Cold start: {runs} starts of each, alternating; median (min–max) in ms.");
        output.WriteLine();
        output.WriteLine("| Runtime | Process start → first `/next` | of which host init (its log) | First invocation | Second invocation | Process start → first answer |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var runtime in runtimes)
        {
            var s = starts[runtime];
            output.WriteLine($"| {runtime.Name} | {Stat(s, c => c.Init)} | {Stat(s, c => c.HostInit)} | {Stat(s, c => c.First)} | {Stat(s, c => c.Second)} | {Stat(s, c => c.Init + c.First)} |");
        }

        var aot = Median(starts[runtimes[0]], c => c.Init);
        var jit = Median(starts[runtimes[1]], c => c.Init);
        var aotFirst = Median(starts[runtimes[0]], c => c.Init + c.First);
        var jitFirst = Median(starts[runtimes[1]], c => c.Init + c.First);
        output.WriteLine();
        output.WriteLine(Invariant($"AOT init is {jit / aot:0.0}× faster than JIT; process start → first answer {jitFirst / aotFirst:0.0}× faster."));
        output.WriteLine();

        output.WriteLine($"Sequential load: {load} invocations into one process (a chat turn by Function URL or direct invocation, every tenth a history read; 10 turns a session).");
        output.WriteLine();
        output.WriteLine("| Runtime | Peak RSS (VmHWM) | RSS at the end | Invocation p50 | p99 |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var runtime in runtimes)
        {
            var result = await LoadAsync(runtime, testBed, bedrock, load).ConfigureAwait(false);
            output.WriteLine(Invariant($"| {runtime.Name} | {result.PeakKilobytes / 1024.0:0.0} MB | {result.EndKilobytes / 1024.0:0.0} MB | {Percentile(result.Latencies, 0.5):0.00} ms | {Percentile(result.Latencies, 0.99):0.00} ms |"));
        }
    }

    private static async Task<ColdStart> ColdStartAsync(Runtime runtime, LambdaTestBed testBed, BedrockEmulator bedrock)
    {
        await using var api = new FakeRuntimeApi();
        var started = Stopwatch.GetTimestamp();
        using var process = BootstrapProcess.Start(runtime.FileName, runtime.Arguments, Environment(testBed, bedrock, api));
        try
        {
            await api.FirstNext.WaitAsync(Patience).ConfigureAwait(false);
            var init = Stopwatch.GetElapsedTime(started);
            var session = "coldstart-" + Guid.NewGuid().ToString("N");
            var first = await TimeAsync(api, FunctionUrlEvents.Chat(session), process).ConfigureAwait(false);
            var second = await TimeAsync(api, FunctionUrlEvents.Chat(session), process).ConfigureAwait(false);
            return new ColdStart(init.TotalMilliseconds, process.HostInitMilliseconds(), first, second);
        }
        finally
        {
            await process.StopAsync().ConfigureAwait(false);
        }
    }

    private static async Task<LoadResult> LoadAsync(Runtime runtime, LambdaTestBed testBed, BedrockEmulator bedrock, int load)
    {
        await using var api = new FakeRuntimeApi();
        using var process = BootstrapProcess.Start(runtime.FileName, runtime.Arguments, Environment(testBed, bedrock, api));
        try
        {
            await api.FirstNext.WaitAsync(Patience).ConfigureAwait(false);
            var run = Guid.NewGuid().ToString("N");
            var latencies = new List<double>(load);
            for (var i = 0; i < load; i++)
            {
                var session = $"load-{run}-{i / 10}";
                var payload = (i % 10) switch
                {
                    9 => FunctionUrlEvents.Get($"/sessions/{session}/messages", ""),
                    var n when n % 2 == 0 => FunctionUrlEvents.Chat(session),
                    _ => Encoding.UTF8.GetBytes($$"""{"input_text": "今日の新潟の天気はどうですか？", "session_id": "{{session}}"}"""),
                };
                latencies.Add(await TimeAsync(api, payload, process).ConfigureAwait(false));
            }

            var (peak, end) = process.Memory();
            return new LoadResult(peak, end, latencies);
        }
        finally
        {
            await process.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Milliseconds from queuing the event to the host's complete answer; a failed answer stops the report.</summary>
    private static async Task<double> TimeAsync(FakeRuntimeApi api, byte[] payload, BootstrapProcess process)
    {
        var started = Stopwatch.GetTimestamp();
        var answer = await api.Invoke(payload).AnswerAsync(Patience).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var ok = !answer.IsError && (!answer.Text.Contains("\"statusCode\"", StringComparison.Ordinal)
            || JsonDocument.Parse(answer.Body).RootElement.GetProperty("statusCode").GetInt32() == 200);
        return ok ? elapsed : throw new InvalidOperationException($"The invocation failed: {answer.Text}\n{process.Output}");
    }

    private static Dictionary<string, string?> Environment(LambdaTestBed testBed, BedrockEmulator bedrock, FakeRuntimeApi api)
    {
        var environment = testBed.Environment(bedrock);
        environment["AWS_LAMBDA_RUNTIME_API"] = api.Address;
        return environment;
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

    internal sealed record Runtime(string Name, string FileName, string[] Arguments);

    private sealed record ColdStart(double Init, double HostInit, double First, double Second);

    private sealed record LoadResult(long PeakKilobytes, long EndKilobytes, List<double> Latencies);
}
