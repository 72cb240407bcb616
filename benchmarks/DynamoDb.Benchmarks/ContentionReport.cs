using System.Diagnostics;
using System.Globalization;
using Amazon.DynamoDBv2;
using ChatBedrock.Adapters.DynamoDb;
using ChatBedrock.Application;
using ChatBedrock.Testing;
using ChatBedrock.Testing.Dynalite;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.DynamoDb.Benchmarks;

/// <summary>
/// Many turns at once on one session of the <c>Turns</c> layout, through <see cref="ContinueConversation"/>
/// (a scripted model, so the store is all that is measured) against dynalite: how many writes DynamoDB
/// refused because their condition failed (each is billed like a write), and turns per second. Each round
/// uses a session that already has one turn, as a conversation being continued from many tabs would.
/// </summary>
internal static class ContentionReport
{
    private const int Rounds = 5;

    public static async Task RunAsync(int concurrent, TextWriter output)
    {
        await using var server = new DynaliteServer();
        var endpoint = await server.StartAsync();
        using var client = new ConditionalWriteCountingClient(endpoint);
        const string table = "BenchmarkContention";
        await StoreTableSchema.CreateAsync(client, new DynamoDbStoreOptions { TableName = table, Layout = DynamoDbStoreLayout.Turns }, CancellationToken.None);
        await using var provider = new ServiceCollection()
            .AddLogging()
            .AddSingleton<IAmazonDynamoDB>(client)
            .AddSingleton<ILanguageModel>(new ScriptedLanguageModel { DefaultAnswer = _ => "ok" })
            .AddConversationUseCases()
            .AddDynamoDbConversationRepository(o => (o.TableName, o.Layout) = (table, DynamoDbStoreLayout.Turns))
            .BuildServiceProvider();
        var useCase = provider.GetRequiredService<ContinueConversation>();

        output.WriteLine(Invariant($"{concurrent} concurrent turns on one session, {Rounds} rounds, Turns layout, dynalite."));
        output.WriteLine();
        output.WriteLine("| Round | Turns stored | Write requests | Refused conditional writes | Refused per turn | Turns per second |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        var (refusedTotal, secondsTotal) = (0, 0.0);
        for (var round = 1; round <= Rounds; round++)
        {
            var first = await useCase.ExecuteAsync(new ConversationRequest("first", null), CancellationToken.None);
            var session = first.SessionId.Value;
            client.Reset();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, concurrent).Select(i =>
                useCase.ExecuteAsync(new ConversationRequest($"turn {i}", session), CancellationToken.None)));
            clock.Stop();
            var stored = (await provider.GetRequiredService<IConversationRepository>().LoadAsync(first.SessionId, null, CancellationToken.None)).Count / 2 - 1;
            var refused = client.FailedConditionalWrites;
            (refusedTotal, secondsTotal) = (refusedTotal + refused, secondsTotal + clock.Elapsed.TotalSeconds);
            output.WriteLine(Invariant($"| {round} | {stored} | {client.Writes} | {refused} | {(double)refused / concurrent:0.##} | {concurrent / clock.Elapsed.TotalSeconds:0} |"));
        }

        output.WriteLine();
        output.WriteLine(Invariant($"- Average: {(double)refusedTotal / (Rounds * concurrent):0.##} refused conditional writes per turn, {Rounds * concurrent / secondsTotal:0} turns per second."));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
