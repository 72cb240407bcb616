using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Extensions.DependencyInjection;

using static ChatBedrock.Adapters.Bedrock.Tests.Streams;

namespace ChatBedrock.Adapters.Bedrock.Tests;

/// <summary>
/// Against real Bedrock, only when CHAT_LIVE_BEDROCK=1 and credentials resolve (reported as skipped otherwise).
/// Uses the machine's AWS configuration; set BEDROCK_MODEL_ID to try another model. Costs a few tokens.
/// </summary>
public sealed class BedrockLiveTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Live_CompleteAndStream_AnswerFromRealBedrock()
    {
        if (Environment.GetEnvironmentVariable("CHAT_LIVE_BEDROCK") != "1")
        {
            Assert.Skip("Live Bedrock test: set CHAT_LIVE_BEDROCK=1 with AWS credentials and AWS_REGION to run it.");
        }

        await using var provider = new ServiceCollection().AddLogging().AddBedrockLanguageModel(o =>
        {
            o.ModelId = Environment.GetEnvironmentVariable("BEDROCK_MODEL_ID") ?? o.ModelId;
        }).BuildServiceProvider();
        var status = await provider.GetRequiredService<BedrockConfigurationCheck>().CheckAsync(Ct);
        if (!status.IsConfigured)
        {
            Assert.Skip($"Live Bedrock test: {status.Description}");
        }

        var model = provider.GetRequiredService<ILanguageModel>();
        var request = new ModelRequest("Answer in one word.", [ChatMessage.User("What colour is the sky on a clear day?")], new ModelSettings { MaxTokens = 20 });

        var buffered = await model.CompleteAsync(request, Ct);
        var streamed = await CollectAsync(model.StreamAsync(request, Ct));

        buffered.Text.Should().NotBeNullOrWhiteSpace();
        buffered.Usage.InputTokens.Should().BePositive();
        streamed.OfType<ModelTextDelta>().Should().NotBeEmpty();
        streamed[^1].Should().BeOfType<ModelStreamEnd>().Which.Usage.OutputTokens.Should().BePositive();
    }
}
