using System.Globalization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ChatBedrock.Lambda.Benchmarks;

// "coldstart [starts] [invocations]" times the bootstrap process, AOT against JIT, and its memory under load
// (docs/benchmarks.md); anything else goes to BenchmarkDotNet.
if (args is ["coldstart", ..])
{
    var starts = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
    var invocations = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 1000;
    await ColdStartReport.RunAsync(starts, invocations, Console.Out);
    return;
}

// In process: the project's assembly name (ChatBedrock.Lambda.Benchmarks) differs from its file name, which
// BenchmarkDotNet's generated projects cannot find.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(InvocationOverheadBenchmarks).Assembly).Run(args, config);
