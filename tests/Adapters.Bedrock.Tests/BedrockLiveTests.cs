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

    /// <summary>
    /// Two calls with the same long system prompt and history on a caching model (BEDROCK_CACHE_MODEL_ID, default
    /// Claude 3.5 Haiku, 2,048 tokens per checkpoint): the first writes the prefix (or reads it, if a run in the
    /// last five minutes wrote it), the second reads it. Costs about 6,000 input tokens, mostly at the cache rates.
    /// </summary>
    [Fact]
    public async Task Live_CachePoint_IsWrittenThenRead()
    {
        if (Environment.GetEnvironmentVariable("CHAT_LIVE_BEDROCK") != "1")
        {
            Assert.Skip("Live Bedrock test: set CHAT_LIVE_BEDROCK=1 with AWS credentials and AWS_REGION to run it.");
        }

        await using var provider = new ServiceCollection().AddLogging().AddBedrockLanguageModel(o =>
        {
            o.ModelId = Environment.GetEnvironmentVariable("BEDROCK_CACHE_MODEL_ID") ?? "us.anthropic.claude-3-5-haiku-20241022-v1:0";
            o.PromptCache = PromptCacheMode.On;
        }).BuildServiceProvider();
        var status = await provider.GetRequiredService<BedrockConfigurationCheck>().CheckAsync(Ct);
        if (!status.IsConfigured)
        {
            Assert.Skip($"Live Bedrock test: {status.Description}");
        }

        var model = provider.GetRequiredService<ILanguageModel>();
        var rules = string.Join(" ", Enumerable.Range(1, 700).Select(i => $"Rule {i}: be kind."));
        var request = new ModelRequest("You follow these house rules. " + rules,
            [ChatMessage.User("Hello."), ChatMessage.Assistant("Hello! How can I help?"), ChatMessage.User("Answer in one word: what colour is snow?")],
            new ModelSettings { MaxTokens = 10 });

        var first = await model.CompleteAsync(request, Ct);
        var second = await model.CompleteAsync(request, Ct);

        (first.Usage.CacheWriteInputTokens + first.Usage.CacheReadInputTokens).Should().BePositive();
        second.Usage.CacheReadInputTokens.Should().BePositive();
        second.Usage.InputTokens.Should().BeLessThan(second.Usage.CacheReadInputTokens);
    }
}
