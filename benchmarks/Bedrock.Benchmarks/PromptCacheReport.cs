using System.Diagnostics;
using System.Globalization;
using System.Text;
using Amazon.Runtime;
using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.Bedrock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatBedrock.Bedrock.Benchmarks;

/// <summary>
/// One conversation of N turns through the real use case (default Conversation settings, in-memory history)
/// and the real Bedrock adapter against the emulator, once with prompt caching (auto, Claude 3.7 Sonnet: 1,024
/// tokens per checkpoint) and once without: the input tokens each turn is billed for, at full price and at the
/// cache rates. The emulator counts a word as a token. Then the time the cache-point logic adds to a request.
/// </summary>
internal static class PromptCacheReport
{
    private const string ModelId = "us.anthropic.claude-3-7-sonnet-20250219-v1:0";

    // Claude 3.7 Sonnet on Bedrock: cache writes (5 minutes) cost 1.25 × the input price, cache reads 0.1 ×.
    private const double WritePrice = 1.25;
    private const double ReadPrice = 0.1;

    private static readonly int[] ShownTurns = [1, 2, 5, 10, 15, 20, 21, 22, 30, 40, 50];

    public static async Task RunAsync(int turns, TextWriter output)
    {
        await using var emulator = await BedrockEmulator.StartAsync();
        var cached = await ConverseAsync(emulator, PromptCacheMode.Auto, turns);
        var uncached = await ConverseAsync(emulator, PromptCacheMode.Off, turns);

        output.WriteLine($"{turns} turns, system prompt 1,200 words, questions 40 and answers 150 words, default Conversation settings (MaxHistoryMessages 40).");
        output.WriteLine();
        output.WriteLine("| Turn | Without caching: input | With caching: input (full price) | Cache read | Cache write | Full-price input saved | Input cost saved (write 1.25×, read 0.1×) |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var turn in ShownTurns.Where(t => t <= turns))
        {
            var (off, on) = (uncached[turn - 1], cached[turn - 1]);
            output.WriteLine(Invariant($"| {turn} | {off.InputTokens:N0} | {on.InputTokens:N0} | {on.CacheReadInputTokens:N0} | {on.CacheWriteInputTokens:N0} | {Saved(off.InputTokens, on.InputTokens):P0} | {Saved(off.InputTokens, Cost(on)):P0} |"));
        }

        var from10 = Enumerable.Range(9, Math.Max(0, turns - 9)).ToList();
        var offTotal = from10.Sum(i => (double)uncached[i].InputTokens);
        output.WriteLine();
        output.WriteLine(Invariant($"Turns 10–{turns}: full-price input tokens {Saved(offTotal, from10.Sum(i => (double)cached[i].InputTokens)):P1} fewer; input cost (cache rates included) {Saved(offTotal, from10.Sum(i => Cost(cached[i]))):P1} lower."));
        output.WriteLine(Invariant($"All turns: input cost {Saved(uncached.Sum(u => (double)u.InputTokens), cached.Sum(Cost)):P1} lower."));

        var (with, without) = TimeMapping(turns);
        output.WriteLine(Invariant($"Request mapping at turn {turns} (40 history messages): {without:F1} µs without cache points, {with:F1} µs with; the cache-point logic adds {with - without:F1} µs per turn."));
    }

    private static double Cost(ModelUsage usage) => usage.InputTokens + WritePrice * usage.CacheWriteInputTokens + ReadPrice * usage.CacheReadInputTokens;

    private static double Saved(double before, double after) => before == 0 ? 0 : 1 - after / before;

    private static async Task<List<ModelUsage>> ConverseAsync(BedrockEmulator emulator, PromptCacheMode mode, int turns)
    {
        var services = new ServiceCollection()
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton(new BedrockEnvironment
            {
                Variable = _ => null,
                ProfileRegion = () => null,
                DefaultCredentials = _ => Task.FromResult<AWSCredentials>(new BasicAWSCredentials(emulator.Options.AccessKeyId, emulator.Options.SecretAccessKey)),
            })
            .AddBedrockLanguageModel(o =>
            {
                o.ModelId = ModelId;
                o.PromptCache = mode;
                o.Region = emulator.Options.Region;
                o.Endpoint = emulator.Endpoint.ToString();
            })
            .AddInMemoryConversationRepository()
            .AddConversationUseCases(o => o.SystemPrompt = Words("rule", 1200));
        await using var provider = services.BuildServiceProvider();
        var conversation = provider.GetRequiredService<ContinueConversation>();

        var usages = new List<ModelUsage>(turns);
        string? session = null;
        for (var turn = 1; turn <= turns; turn++)
        {
            emulator.Enqueue(BedrockReply.Text(Words($"answer{turn}", 150).Split(' ').Select((w, i) => i == 0 ? w : " " + w).ToArray()));
            var reply = await conversation.ExecuteAsync(new ConversationRequest(Words($"question{turn}", 40), session), CancellationToken.None);
            session = reply.SessionId.Value;
            usages.Add(reply.Usage);
        }

        return usages;
    }

    /// <summary>Mean time of mapping the last turn's request, with and without cache points, in µs.</summary>
    private static (double With, double Without) TimeMapping(int turns)
    {
        var messages = new List<ChatMessage>();
        for (var i = Math.Max(1, turns - 20); i < turns; i++)
        {
            messages.Add(ChatMessage.User(Words($"question{i}", 40)));
            messages.Add(ChatMessage.Assistant(Words($"answer{i}", 150)));
        }

        messages.Add(ChatMessage.User(Words($"question{turns}", 40)));
        var request = new ModelRequest(Words("rule", 1200), messages, new ModelSettings());
        var with = new ConverseRequestMapper(new BedrockModelOptions { ModelId = ModelId });
        var without = new ConverseRequestMapper(new BedrockModelOptions { ModelId = ModelId, PromptCache = PromptCacheMode.Off });
        return (Measure(() => with.Map(request)), Measure(() => without.Map(request)));

        static double Measure(Action map)
        {
            const int Iterations = 20_000;
            for (var i = 0; i < 2_000; i++)
            {
                map();
            }

            var best = double.MaxValue;
            for (var round = 0; round < 5; round++)
            {
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < Iterations; i++)
                {
                    map();
                }

                best = Math.Min(best, watch.Elapsed.TotalMicroseconds / Iterations);
            }

            return best;
        }
    }

    private static string Words(string word, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(i == 0 ? "" : " ").Append(word).Append(i % 10);
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
