using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ChatBedrock.Lambda.Benchmarks;

// "coldstart [starts] [invocations] [--baseline <bootstrap>] [--no-jit]" times the bootstrap process in Lambda's
// environment against the floor program (and an earlier build, and the JIT runtime), and its memory under load
// (docs/benchmarks.md); anything else goes to BenchmarkDotNet.
if (args is ["coldstart", ..])
{
    var positional = args.Skip(1).TakeWhile(a => !a.StartsWith("--", StringComparison.Ordinal)).ToArray();
    var starts = positional.Length > 0 ? int.Parse(positional[0], CultureInfo.InvariantCulture) : 20;
    var invocations = positional.Length > 1 ? int.Parse(positional[1], CultureInfo.InvariantCulture) : 1000;
    var baselineAt = Array.IndexOf(args, "--baseline");
    var baseline = baselineAt > 0 && baselineAt + 1 < args.Length ? args[baselineAt + 1] : null;
    await ColdStartReport.RunAsync(starts, invocations, baseline, jit: !args.Contains("--no-jit"), Console.Out);
    return;
}

// In process: the project's assembly name (ChatBedrock.Lambda.Benchmarks) differs from its file name, which
// BenchmarkDotNet's generated projects cannot find.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(InvocationOverheadBenchmarks).Assembly).Run(args, config);
