using System.Runtime.CompilerServices;
using ChatBedrock.Domain;

namespace ChatBedrock.Application.Tests;

public sealed class ModelResponseBuilderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Build_AfterDeltasAndTheEnd_JoinsTheTextAndTakesUsageAndStopReasonFromTheEnd()
    {
        var builder = new ModelResponseBuilder();
        builder.Add(new ModelTextDelta("こんに"));
        builder.Add(new ModelTextDelta("ちは"));
        builder.Add(new ModelStreamEnd(new ModelUsage(7, 3), StopReasons.MaxTokens));

        builder.Build().Should().Be(new ModelResponse("こんにちは", new ModelUsage(7, 3), StopReasons.MaxTokens));
    }

    [Fact]
    public void Build_OfAnAnswerWithoutText_IsEmptyText()
    {
        var builder = new ModelResponseBuilder();
        builder.Add(new ModelStreamEnd(new ModelUsage(5, 0), StopReasons.EndTurn));

        builder.Build().Text.Should().BeEmpty();
    }

    [Fact]
    public void Build_WithoutTheEndMarker_ThrowsModelUnavailable()
    {
        var builder = new ModelResponseBuilder();
        builder.Add(new ModelTextDelta("partial"));

        var act = () => builder.Build();

        act.Should().Throw<ChatException>().Which.Code.Should().Be(ChatErrorCode.ModelUnavailable);
    }

    [Fact]
    public async Task ToModelResponseAsync_CollectsTheWholeStream()
    {
        var response = await Stream(new ModelTextDelta("a"), new ModelTextDelta("b"), new ModelStreamEnd(new ModelUsage(1, 2), StopReasons.EndTurn))
            .ToModelResponseAsync(Ct);

        response.Should().Be(new ModelResponse("ab", new ModelUsage(1, 2), StopReasons.EndTurn));
    }

    [Fact]
    public async Task ToModelResponseAsync_OfAStreamCutOffBeforeItsEnd_ThrowsModelUnavailable()
    {
        var act = () => Stream(new ModelTextDelta("a")).ToModelResponseAsync(Ct);

        var error = (await act.Should().ThrowAsync<ChatException>()).Which;
        error.Code.Should().Be(ChatErrorCode.ModelUnavailable);
        error.IsTransient.Should().BeTrue();
    }

    private static async IAsyncEnumerable<ModelStreamUpdate> Stream(params ModelStreamUpdate[] updates)
    {
        foreach (var update in updates)
        {
            await Task.Yield();
            yield return update;
        }
    }
}
