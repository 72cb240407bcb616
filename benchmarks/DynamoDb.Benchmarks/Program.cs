using BenchmarkDotNet.Running;
using ChatBedrock.DynamoDb.Benchmarks;

// "capacity [turns]" prints DynamoDB requests and consumed capacity per turn, "contention [concurrent]"
// refused writes and throughput of concurrent turns on one session (docs/benchmarks.md); anything else
// goes to BenchmarkDotNet.
if (args is ["capacity", ..])
{
    await CapacityReport.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 500, Console.Out);
    return;
}

if (args is ["contention", ..])
{
    await ContentionReport.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50, Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(CapacityReport).Assembly).Run(args);
