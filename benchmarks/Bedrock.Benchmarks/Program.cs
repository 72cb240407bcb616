using BenchmarkDotNet.Running;
using ChatBedrock.Bedrock.Benchmarks;

// "cache [turns]" prints the input tokens of a conversation with and without prompt caching (docs/benchmarks.md);
// "summary [turns]" the same conversation with summary memory on and off; anything else goes to BenchmarkDotNet.
if (args is ["summary", ..])
{
    await SummaryMemoryReport.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50, Console.Out);
    return;
}

if (args is ["cache", ..])
{
    await PromptCacheReport.RunAsync(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50, Console.Out);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
