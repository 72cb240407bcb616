using System.Runtime.CompilerServices;
using ChatBedrock.Domain;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Application.Tests;

public sealed class ModelUsageTests
{
    private static readonly ModelUsage Cached = new(40, 10) { CacheReadInputTokens = 2000, CacheWriteInputTokens = 300 };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void WithoutCacheTokens_TotalIsInputPlusOutput_AsBefore()
    {
        var usage = new ModelUsage(12, 3);

        (usage.CacheReadInputTokens, usage.CacheWriteInputTokens, usage.PromptTokens, usage.TotalTokens).Should().Be((0, 0, 12, 15));
        usage.Should().Be(new ModelUsage(12, 3));
    }

    [Fact]
    public void CacheTokens_CountInThePromptAndTheTotal_ButNotInTheFullPriceInput()
    {
        (Cached.InputTokens, Cached.PromptTokens, Cached.TotalTokens).Should().Be((40, 2340, 2350));
        Cached.Should().NotBe(new ModelUsage(40, 10));
    }

    [Fact]
    public async Task ContinueConversation_ReturnsTheCacheTokens_StreamedOrNot()
    {
        var conversation = new ServiceCollection().AddLogging()
            .AddSingleton<ILanguageModel>(new CachedModel())
            .AddInMemoryConversationRepository()
            .AddConversationUseCases()
            .BuildServiceProvider().GetRequiredService<ContinueConversation>();

        var reply = await conversation.ExecuteAsync(new ConversationRequest("hi", null), Ct);
        var completed = await conversation.StreamAsync(new ConversationRequest("again", reply.SessionId.Value), Ct).OfType<ConversationCompleted>().SingleAsync(Ct);

        reply.Usage.Should().Be(Cached);
        completed.Reply.Usage.Should().Be(Cached);
    }

    private sealed class CachedModel : ILanguageModel
    {
        public ValueTask<ModelStatus> GetStatusAsync(CancellationToken cancellationToken) => ValueTask.FromResult(new ModelStatus("cached", "cached-model"));

        public Task<ModelResponse> CompleteAsync(ModelRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new ModelResponse("ok", Cached, StopReasons.EndTurn));

        public async IAsyncEnumerable<ModelStreamUpdate> StreamAsync(ModelRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await Task.Yield();
            yield return new ModelTextDelta("ok");
            yield return new ModelStreamEnd(Cached, StopReasons.EndTurn);
        }
    }
}
