using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatBedrock.Application.Tests;

/// <summary>Summary memory (<c>Conversation:Summary</c>), through <see cref="ContinueConversation"/> with the scripted model.</summary>
public sealed class SummaryMemoryTests
{
    private const string Instruction = "SUMMARISE";
    private readonly ScriptedLanguageModel _model = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 4, 10, 0, 0, TimeSpan.Zero));
    private IConversationRepository _repository = null!;
    private int _summaries;

    public SummaryMemoryTests() =>
        _model.DefaultAnswer = r => r.SystemPrompt == Instruction ? $"S{++_summaries}" : $"a:{r.Messages[^1].Content}";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private List<ModelRequest> TurnRequests => [.. _model.Requests.Where(r => r.SystemPrompt != Instruction)];

    private List<ModelRequest> SummaryRequests => [.. _model.Requests.Where(r => r.SystemPrompt == Instruction)];

    private ServiceProvider Services(bool summary, IConversationRepository? repository = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<ILanguageModel>(_model)
            .AddSingleton<TimeProvider>(_time)
            .AddConversationUseCases(o =>
            {
                o.MaxHistoryMessages = 4;
                o.Summary = summary;
                o.SummaryInstruction = Instruction;
            });
        if (repository is not null)
        {
            services.AddSingleton(repository);
        }

        var provider = services.AddInMemoryConversationRepository().BuildServiceProvider();
        _repository = provider.GetRequiredService<IConversationRepository>();
        return provider;
    }

    private static async Task<SessionId> ChatAsync(ContinueConversation useCase, int turns, SessionId? id = null)
    {
        for (var i = 0; i < turns; i++)
        {
            id = (await useCase.ExecuteAsync(new ConversationRequest($"q{i}", id?.Value), Ct)).SessionId;
        }

        return id!.Value;
    }

    [Fact]
    public async Task Off_TheDefault_NeverAsksForASummary()
    {
        var useCase = Services(summary: false).GetRequiredService<ContinueConversation>();

        await ChatAsync(useCase, 8);

        SummaryRequests.Should().BeEmpty();
        TurnRequests[^1].Messages.Select(m => m.Content).Should().Equal(["q5", "a:q5", "q6", "a:q6", "q7"], "without a summary only the window is sent");
    }

    [Fact]
    public async Task On_WhileTheHistoryFits_NeverAsksForASummary()
    {
        var useCase = Services(summary: true).GetRequiredService<ContinueConversation>();

        var id = await ChatAsync(useCase, 3);

        SummaryRequests.Should().BeEmpty();
        (await _repository.LoadSummaryAsync(id, Ct)).Should().BeNull();
    }

    [Fact]
    public async Task On_WhenTheHistoryOutgrowsTheWindow_SummarisesTheOlderPartDownToHalfTheWindowAndSendsTheSummaryInItsPlace()
    {
        var useCase = Services(summary: true).GetRequiredService<ContinueConversation>();

        var id = await ChatAsync(useCase, 4);

        SummaryRequests.Should().ContainSingle().Which.Messages.Should().ContainSingle()
            .Which.Content.Should().Be("New messages:\nuser: q0\nassistant: a:q0\nuser: q1\nassistant: a:q1\n");
        var sent = TurnRequests[^1].Messages;
        sent.Select(m => (m.Role, m.Content)).Should().Equal(
            (ChatRole.System, "Summary of the earlier conversation:\nS1"), (ChatRole.User, "q2"), (ChatRole.Assistant, "a:q2"), (ChatRole.User, "q3"));
        var summary = await _repository.LoadSummaryAsync(id, Ct);
        summary.Should().NotBeNull();
        summary!.Text.Should().Be("S1");
        summary.CoveredMessages.Should().Be(4);
        summary.Usage!.ModelId.Should().Be("scripted-model");
        summary.UpdatedAt.Should().Be(_time.GetUtcNow());
        (await _repository.LoadAsync(id, null, Ct)).Should().HaveCount(8, "the summary is kept beside the history, which stays whole");
    }

    [Fact]
    public async Task On_ARefresh_SummarisesThePreviousSummaryAndOnlyTheMessagesDroppedSince()
    {
        var useCase = Services(summary: true).GetRequiredService<ContinueConversation>();

        var id = await ChatAsync(useCase, 6);

        SummaryRequests.Should().HaveCount(2, "the fifth turn still fits beside the summary");
        SummaryRequests[1].Messages[0].Content.Should().Be("Summary so far:\nS1\n\nNew messages:\nuser: q2\nassistant: a:q2\nuser: q3\nassistant: a:q3\n");
        TurnRequests[^1].Messages.Select(m => m.Content).Should().Equal("Summary of the earlier conversation:\nS2", "q4", "a:q4", "q5");
        var summary = await _repository.LoadSummaryAsync(id, Ct);
        summary!.CoveredMessages.Should().Be(8);
        summary.Usage!.InputTokens.Should().Be(SummaryRequests.Sum(r => r.Messages.Sum(TokenEstimator.Estimate)), "the usage of every summarisation adds up");
    }

    [Fact]
    public async Task On_ForFiftyTurns_KeepsThePromptWithinTheWindowAndSummarisesEachMessageOnce()
    {
        var useCase = Services(summary: true).GetRequiredService<ContinueConversation>();

        await ChatAsync(useCase, 50);

        TurnRequests.Should().OnlyContain(r => r.Messages.Count <= 6, "a summary, at most four history messages and the input");
        var summarised = SummaryRequests.SelectMany(r => r.Messages[0].Content.Split('\n')).Where(l => l.StartsWith("user: ", StringComparison.Ordinal)).ToList();
        summarised.Should().OnlyHaveUniqueItems().And.HaveCountGreaterThan(40);
        SummaryRequests.Count.Should().BeLessThan(30, "a summarisation every other turn, not every turn");
    }

    [Fact]
    public async Task On_WithAStoreThatKeepsNoSummaries_StillAnswersWithTheSummary()
    {
        var useCase = Services(summary: true, new RecordingRepository()).GetRequiredService<ContinueConversation>();

        await ChatAsync(useCase, 4);

        TurnRequests[^1].Messages[0].Content.Should().Be("Summary of the earlier conversation:\nS1");
    }

    [Fact]
    public async Task Usage_CountsTheSummariesBesideTheAnswers()
    {
        var services = Services(summary: true);
        var id = await ChatAsync(services.GetRequiredService<ContinueConversation>(), 4);

        var usage = await services.GetRequiredService<ReadConversationUsage>().ExecuteAsync(id.Value, Ct);

        usage.Answers.Should().Be(4);
        usage.Summary!.Text.Should().Be("S1");
        usage.Totals.InputTokens.Should().Be(_model.Requests.Sum(r => r.Messages.Sum(TokenEstimator.Estimate)));
    }
}
