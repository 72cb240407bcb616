using BenchmarkDotNet.Running;
using ChatBedrock.Lambda.Benchmarks;

BenchmarkSwitcher.FromAssembly(typeof(InvocationOverheadBenchmarks).Assembly).Run(args);
