using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using ChatBedrock.Lambda.Benchmarks;

// In process: the project's assembly name (ChatBedrock.Lambda.Benchmarks) differs from its file name, which
// BenchmarkDotNet's generated projects cannot find.
var config = DefaultConfig.Instance.AddJob(Job.Default.WithToolchain(InProcessEmitToolchain.Instance));
BenchmarkSwitcher.FromAssembly(typeof(InvocationOverheadBenchmarks).Assembly).Run(args, config);
