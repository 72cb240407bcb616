using System.Globalization;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using ChatBedrock.Adapters.DynamoDb;
using ChatBedrock.Application;
using ChatBedrock.Testing;
using ChatBedrock.Testing.Dynalite;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.DynamoDb.Benchmarks;

/// <summary>
/// Runs one conversation of <c>turns</c> turns through <see cref="ContinueConversation"/> (default settings,
/// a scripted model) on each layout against dynalite, and prints per-turn DynamoDB requests and consumed
/// capacity as a Markdown table. Text is ASCII so dynalite's sizes equal DynamoDB's (it counts UTF-16 units,
/// DynamoDB UTF-8 bytes).
/// </summary>
internal static class CapacityReport
{
    // A typical exchange: a 200-character question and an 800-character answer.
    private static readonly string Question = string.Concat(Enumerable.Repeat("How do I tune DynamoDB? ", 8));
    private static readonly string Answer = string.Concat(Enumerable.Repeat("Use on-demand capacity, keep items small. ", 19)) + "Done.";

    private static readonly int[] Checkpoints = [1, 2, 10, 50, 100, 200, 250, 300, 400, 500];

    public static async Task RunAsync(int turns, TextWriter output)
    {
        await using var server = new DynaliteServer();
        var endpoint = await server.StartAsync();
        using var client = new AmazonDynamoDBClient(
            new BasicAWSCredentials("benchmark", "benchmark"),
            new AmazonDynamoDBConfig { ServiceURL = endpoint.ToString(), AuthenticationRegion = "ap-northeast-1" });
        var meter = new CapacityMeter(client);

        var checkpoints = Checkpoints.Where(t => t <= turns).ToArray();
        output.WriteLine($"{turns} turns, question {Question.Length} and answer {Answer.Length} ASCII characters, default Conversation settings (MaxHistoryMessages 40).");
        output.WriteLine();
        output.WriteLine("| Layout | Turn | Read requests | Write requests | Refused requests | Read units | Write units |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        var summaries = new List<string>();
        foreach (var layout in new[] { DynamoDbStoreLayout.LangChain, DynamoDbStoreLayout.Turns })
        {
            var samples = await RunConversationAsync(client, meter, layout, turns);
            foreach (var turn in checkpoints)
            {
                var s = samples[turn - 1];
                output.WriteLine(Invariant($"| {layout} | {turn} | {s.Reads} | {s.Writes} | {s.Refused} | {s.ReadUnits:0.#} | {s.WriteUnits:0.#} |"));
            }

            var steady = samples.Skip(1).ToList();
            var limited = steady.Count(s => s.Refused > 0);
            summaries.Add(Invariant(
                $"- {layout}: turns 2–{turns} used {steady.Min(s => s.Reads + s.Writes)}–{steady.Max(s => s.Reads + s.Writes + s.Refused)} requests per turn ({limited} turns had a write refused at the 400 KB item limit), {steady.Min(s => s.ReadUnits + s.WriteUnits):0.#}–{steady.Max(s => s.ReadUnits + s.WriteUnits):0.#} capacity units, {steady.Average(s => s.ReadUnits + s.WriteUnits):0.#} on average."));
        }

        output.WriteLine();
        summaries.ForEach(output.WriteLine);
    }

    private static async Task<List<Sample>> RunConversationAsync(AmazonDynamoDBClient client, CapacityMeter meter, DynamoDbStoreLayout layout, int turns)
    {
        var table = $"Benchmark{layout}";
        await StoreTableSchema.CreateAsync(client, new DynamoDbStoreOptions { TableName = table, Layout = layout }, CancellationToken.None);
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IAmazonDynamoDB>(client)
            .AddSingleton<ILanguageModel>(new ScriptedLanguageModel { DefaultAnswer = _ => Answer })
            .AddConversationUseCases()
            .AddDynamoDbConversationRepository(o => (o.TableName, o.Layout) = (table, layout))
            .BuildServiceProvider();
        var useCase = provider.GetRequiredService<ContinueConversation>();

        var samples = new List<Sample>(turns);
        string? sessionId = null;
        meter.Take();
        for (var turn = 1; turn <= turns; turn++)
        {
            var reply = await useCase.ExecuteAsync(new ConversationRequest(Question, sessionId), CancellationToken.None);
            sessionId = reply.SessionId.Value;
            samples.Add(meter.Take());
        }

        return samples;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
