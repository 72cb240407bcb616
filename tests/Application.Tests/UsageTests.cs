using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Application.Tests;

/// <summary>Usage kept with each answer, <see cref="UsagePrices"/> and <see cref="ReadConversationUsage"/>.</summary>
public sealed class UsageTests
{
    private readonly ScriptedLanguageModel _model = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ServiceProvider Services(string? prices = null) => new ServiceCollection()
        .AddLogging()
        .AddSingleton<ILanguageModel>(_model)
        .AddInMemoryConversationRepository()
        .AddConversationUseCases(o => o.Prices = prices)
        .BuildServiceProvider();

    [Fact]
    public async Task Turn_StoresTheAnswersTokenCountsWithTheModelIdOfItsStatus()
    {
        var services = Services();
        var reply = await services.GetRequiredService<ContinueConversation>().ExecuteAsync(new ConversationRequest("hello", null), Ct);

        var stored = await services.GetRequiredService<IConversationRepository>().LoadAsync(reply.SessionId, null, Ct);

        stored[0].Usage.Should().BeNull("a user message costs nothing by itself");
        stored[1].Usage.Should().Be(new MessageUsage(reply.Usage.InputTokens, reply.Usage.OutputTokens, ModelId: "scripted-model"));
    }

    [Fact]
    public async Task Turn_PrefersTheModelIdTheAnswerNames()
    {
        var model = new NamingModel(_model);
        var useCase = new ServiceCollection().AddLogging().AddSingleton<ILanguageModel>(model).AddInMemoryConversationRepository()
            .AddConversationUseCases().BuildServiceProvider();
        var reply = await useCase.GetRequiredService<ContinueConversation>().ExecuteAsync(new ConversationRequest("hello", null), Ct);

        var stored = await useCase.GetRequiredService<IConversationRepository>().LoadAsync(reply.SessionId, null, Ct);

        stored[1].Usage!.ModelId.Should().Be("named-by-the-answer");
    }

    [Fact]
    public async Task ReadUsage_TotalsEveryKindOfTokenAndPricesEachModelByItsLongestPattern()
    {
        var services = Services("claude=1/2/0.5/3, claude-3-haiku=0.25/1.25/0.025/0.3");
        var repository = services.GetRequiredService<IConversationRepository>();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn(new MessageUsage(1000, 2000, 4000, 1000, "us.anthropic.claude-3-haiku-20240307-v1:0")), Ct);
        await repository.AppendTurnAsync(id, Turn(new MessageUsage(2000, 1000, ModelId: "anthropic.claude-3-5-sonnet")), Ct);
        await repository.AppendTurnAsync(id, Turn(null), Ct);

        var usage = await services.GetRequiredService<ReadConversationUsage>().ExecuteAsync(id.Value, Ct);

        usage.Answers.Should().Be(3);
        usage.Totals.Should().Be(new MessageUsage(3000, 3000, 4000, 1000));
        usage.Models.Select(m => m.ModelId).Should().Equal("us.anthropic.claude-3-haiku-20240307-v1:0", "anthropic.claude-3-5-sonnet");
        // Haiku: 0.25 + 2.5 + 0.1 + 0.3 = 3.15; the other Claude: 2 + 2 = 4.
        usage.EstimatedCost.Should().Be(7.15m);
    }

    [Fact]
    public async Task ReadUsage_WithoutAPriceTable_OrWithAModelItMisses_HasNoCost()
    {
        var id = SessionId.New();
        foreach (var prices in new[] { null, "titan=1/1" })
        {
            var services = Services(prices);
            await services.GetRequiredService<IConversationRepository>().AppendTurnAsync(id, Turn(new MessageUsage(10, 10, ModelId: "claude")), Ct);

            var usage = await services.GetRequiredService<ReadConversationUsage>().ExecuteAsync(id.Value, Ct);

            usage.Totals.InputTokens.Should().Be(10);
            usage.EstimatedCost.Should().BeNull(prices ?? "no table");
        }
    }

    [Theory]
    [InlineData("claude", "must be comma-separated")]
    [InlineData("claude=1", "(was 'claude=1')")]
    [InlineData("claude=1/x", "(was 'claude=1/x')")]
    [InlineData("claude=1/-2", "(was 'claude=1/-2')")]
    [InlineData("=1/2", "(was '=1/2')")]
    [InlineData("a=1/2/3/4/5", "(was 'a=1/2/3/4/5')")]
    public void Prices_Malformed_FailAtStartNamingTheSetting(string prices, string expected)
    {
        var act = () => Services(prices).GetRequiredService<IOptions<ConversationOptions>>().Value;

        act.Should().Throw<OptionsValidationException>().Which.Message.Should().Contain("Conversation:Prices").And.Contain(expected);
    }

    [Fact]
    public void Prices_CachePricesDefaultToTheInputPrice()
    {
        UsagePrices.TryParse("haiku = 0.25 / 1.25", out var prices, out _).Should().BeTrue();

        prices.Find("anthropic.claude-3-HAIKU").Should().Be(new ModelPrice(0.25m, 1.25m, 0.25m, 0.25m));
        prices.Find("sonnet").Should().BeNull();
        prices.Find(null).Should().BeNull();
    }

    private static ChatTurn Turn(MessageUsage? usage) => new(ChatMessage.User("q"), ChatMessage.Assistant("a") with { Usage = usage });

    private sealed class NamingModel(ILanguageModel inner) : DelegatingLanguageModel(inner)
    {
        public override async Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) =>
            await base.CompleteAsync(request, cancellationToken) with { ModelId = "named-by-the-answer" };
    }
}
