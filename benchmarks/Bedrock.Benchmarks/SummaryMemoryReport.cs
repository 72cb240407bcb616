using System.Diagnostics;
using System.Globalization;
using System.Text;
using Amazon.Runtime;
using ChatBedrock.Adapters.Bedrock;
using ChatBedrock.Application;
using ChatBedrock.Testing;
using ChatBedrock.Testing.Bedrock;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatBedrock.Bedrock.Benchmarks;

/// <summary>
/// The conversation of <see cref="PromptCacheReport"/> (same prompt, questions, answers and model) with prompt
/// caching, once with summary memory on and once off: the prompt each turn sends, the input billed at full price,
/// and the summarisation calls. The emulator answers a summarisation with 200 words. Then the time summary memory
/// adds to a turn, the model's own time excluded (an instant scripted model, in-memory history).
/// </summary>
internal static class SummaryMemoryReport
{
    private const string ModelId = "us.anthropic.claude-3-7-sonnet-20250219-v1:0";
    private const string Instruction = "Summarise the conversation.";
    private const double WritePrice = 1.25;
    private const double ReadPrice = 0.1;

    private static readonly int[] ShownTurns = [1, 10, 21, 22, 23, 30, 32, 33, 34, 40, 43, 44, 45, 50];

    public static async Task RunAsync(int turns, TextWriter output)
    {
        List<TurnUsage> plain, summarised;
        await using (var emulator = await BedrockEmulator.StartAsync())
        {
            plain = await ConverseAsync(emulator, summary: false, turns);
        }

        // A fresh emulator, so this run finds nothing the first one cached.
        await using (var emulator = await BedrockEmulator.StartAsync())
        {
            summarised = await ConverseAsync(emulator, summary: true, turns);
        }

        output.WriteLine($"{turns} turns as in the cache report, prompt caching auto; summary memory off, then on (Conversation:Summary, summaries of 200 words).");
        output.WriteLine();
        output.WriteLine("| Turn | Off: prompt | Off: full price / cache read / cache write | Off: input cost | On: prompt | On: full price / cache read / cache write | On: summarisation (in / out) | On: input cost |");
        output.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var turn in ShownTurns.Where(t => t <= turns))
        {
            var (off, on) = (plain[turn - 1], summarised[turn - 1]);
            var summary = on.Summary is { } s ? Invariant($"{s.PromptTokens:N0} / {s.OutputTokens:N0}") : "—";
            output.WriteLine(Invariant($"| {turn} | {off.Turn.PromptTokens:N0} | {Split(off.Turn)} | {Cost(off.Turn, false):N0} | {on.Turn.PromptTokens:N0} | {Split(on.Turn)} | {summary} | {Cost(on.Turn, false) + (on.Summary is { } t ? Cost(t, false) : 0):N0} |"));
        }

        var late = Enumerable.Range(20, Math.Max(0, turns - 20)).ToList();
        output.WriteLine();
        output.WriteLine(Invariant($"Turns 21–{turns}: prompt {Range(plain, late)} tokens off, {Range(summarised, late)} on; summarisations: {summarised.Count(t => t.Summary is not null)}."));
        output.WriteLine(Invariant($"Turns 21–{turns}, summarisations included: full-price input {Total(summarised, late, full: true):N0} on vs {Total(plain, late, full: true):N0} off; input cost (write 1.25×, read 0.1×) {Total(summarised, late, full: false):N0} vs {Total(plain, late, full: false):N0} token-equivalents."));

        var (timeOn, timeOff) = await TimeTurnsAsync(turns);
        output.WriteLine(Invariant($"Time per turn without the model (instant scripted model, in-memory history, mean of {turns}-turn conversations): {timeOff:F1} µs off, {timeOn:F1} µs on; summary memory adds {timeOn - timeOff:F1} µs per turn."));
    }

    private static string Split(ModelUsage usage) => Invariant($"{usage.InputTokens:N0} / {usage.CacheReadInputTokens:N0} / {usage.CacheWriteInputTokens:N0}");

    private static string Range(List<TurnUsage> usages, List<int> turns) => turns.Count == 0
        ? "—"
        : Invariant($"{turns.Min(i => usages[i].Turn.PromptTokens):N0}–{turns.Max(i => usages[i].Turn.PromptTokens):N0}");

    private static double Total(List<TurnUsage> usages, List<int> turns, bool full) =>
        turns.Sum(i => Cost(usages[i].Turn, full) + (usages[i].Summary is { } s ? Cost(s, full) : 0));

    private static double Cost(ModelUsage usage, bool full) =>
        full ? usage.InputTokens : usage.InputTokens + WritePrice * usage.CacheWriteInputTokens + ReadPrice * usage.CacheReadInputTokens;

    private static async Task<List<TurnUsage>> ConverseAsync(BedrockEmulator emulator, bool summary, int turns)
    {
        var bedrock = new ServiceCollection()
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
                o.Region = emulator.Options.Region;
                o.Endpoint = emulator.Endpoint.ToString();
            });
        await using var bedrockProvider = bedrock.BuildServiceProvider();
        var model = new ScriptingModel(bedrockProvider.GetRequiredService<ILanguageModel>(), emulator);

        await using var provider = new ServiceCollection()
            .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
            .AddSingleton<ILanguageModel>(model)
            .AddInMemoryConversationRepository()
            .AddConversationUseCases(o =>
            {
                o.SystemPrompt = Words("rule", 1200);
                o.Summary = summary;
                o.SummaryInstruction = Instruction;
            })
            .BuildServiceProvider();
        var conversation = provider.GetRequiredService<ContinueConversation>();

        var usages = new List<TurnUsage>(turns);
        string? session = null;
        for (var turn = 1; turn <= turns; turn++)
        {
            model.Turn = turn;
            model.SummaryUsage = null;
            var reply = await conversation.ExecuteAsync(new ConversationRequest(Words($"question{turn}", 40), session), CancellationToken.None);
            session = reply.SessionId.Value;
            usages.Add(new TurnUsage(reply.Usage, model.SummaryUsage));
        }

        return usages;
    }

    /// <summary>Mean time of a turn (µs) with summary memory on and off, the model answering at once.</summary>
    private static async Task<(double On, double Off)> TimeTurnsAsync(int turns)
    {
        await RunAsync(true, 3);
        await RunAsync(false, 3);
        var on = double.MaxValue;
        var off = double.MaxValue;
        for (var round = 0; round < 5; round++)
        {
            on = Math.Min(on, await RunAsync(true, 20));
            off = Math.Min(off, await RunAsync(false, 20));
        }

        return (on, off);

        async Task<double> RunAsync(bool summary, int conversations)
        {
            var model = new ScriptedLanguageModel { DefaultAnswer = r => r.SystemPrompt == Instruction ? Words("summary", 200) : Words("answer", 150) };
            await using var provider = new ServiceCollection()
                .AddSingleton(typeof(Microsoft.Extensions.Logging.ILogger<>), typeof(NullLogger<>))
                .AddSingleton<ILanguageModel>(model)
                .AddInMemoryConversationRepository()
                .AddConversationUseCases(o =>
                {
                    o.SystemPrompt = Words("rule", 1200);
                    o.Summary = summary;
                    o.SummaryInstruction = Instruction;
                    o.MaxTokens = 100_000;
                    o.SummaryMaxTokens = 100_000;
                })
                .BuildServiceProvider();
            var conversation = provider.GetRequiredService<ContinueConversation>();
            var questions = Enumerable.Range(1, turns).Select(t => Words($"question{t}", 40)).ToArray();
            var watch = Stopwatch.StartNew();
            for (var c = 0; c < conversations; c++)
            {
                string? session = null;
                foreach (var question in questions)
                {
                    session = (await conversation.ExecuteAsync(new ConversationRequest(question, session), CancellationToken.None)).SessionId.Value;
                }
            }

            return watch.Elapsed.TotalMicroseconds / (conversations * turns);
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

    private sealed record TurnUsage(ModelUsage Turn, ModelUsage? Summary);

    /// <summary>Queues the emulator's answer for each call as it is made: a summary for a summarisation, else the turn's answer.</summary>
    private sealed class ScriptingModel(ILanguageModel inner, BedrockEmulator emulator) : DelegatingLanguageModel(inner)
    {
        public int Turn { get; set; }

        public ModelUsage? SummaryUsage { get; set; }

        public override async Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
        {
            var isSummary = request.SystemPrompt == Instruction;
            var text = isSummary ? Words("summary", 200) : Words($"answer{Turn}", 150);
            emulator.Enqueue(BedrockReply.Text(text.Split(' ').Select((w, i) => i == 0 ? w : " " + w).ToArray()));
            var response = await base.CompleteAsync(request, cancellationToken);
            if (isSummary)
            {
                SummaryUsage = SummaryUsage is { } before
                    ? new ModelUsage(before.InputTokens + response.Usage.InputTokens, before.OutputTokens + response.Usage.OutputTokens)
                    : response.Usage;
            }

            return response;
        }
    }
}
