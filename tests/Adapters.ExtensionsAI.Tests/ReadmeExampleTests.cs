// The examples are written for an app, not a test: no test cancellation token.
#pragma warning disable xUnit1051

using ChatBedrock.Application;
using ChatBedrock.Testing;
using ChatBedrock.Testing.ExtensionsAI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.ExtensionsAI.Tests;

/// <summary>The README's Microsoft.Extensions.AI examples, verbatim between the markers, so they keep compiling and working.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task AnyChatClient_AnswersAsChatBedrocksModel()
    {
        IChatClient someChatClient = new ScriptedChatClient().Answer("Hello from MEAI");

        // README: chat client as model
        var services = new ServiceCollection().AddLogging();
        services.AddChatClient(someChatClient).UseLogging();  // any IChatClient, with MEAI's middleware
        services.AddChatClientLanguageModel();                 // ...is ChatBedrock's ILanguageModel
        services.AddInMemoryConversationRepository();
        services.AddConversationUseCases();
        await using var provider = services.BuildServiceProvider();

        var reply = await provider.GetRequiredService<ContinueConversation>()
            .ExecuteAsync(new ConversationRequest("こんにちは", SessionId: null), CancellationToken.None);
        Console.WriteLine($"{reply.SessionId.Value}: {reply.OutputText}");
        // README: end

        reply.OutputText.Should().Be("Hello from MEAI");
    }

    [Fact]
    public async Task AnyModel_IsAChatClientWithMiddleware()
    {
        ILanguageModel model = new ScriptedLanguageModel().Answer("Hello from ChatBedrock");
        using var loggerFactory = LoggerFactory.Create(_ => { });

        // README: model as chat client
        using IChatClient client = model.AsChatClient()        // any ChatBedrock model (Bedrock, LLamaSharp, ...)
            .AsBuilder()
            .UseOpenTelemetry()                                 // gen_ai spans and metrics
            .UseLogging(loggerFactory)
            .Build();

        var response = await client.GetResponseAsync("こんにちは");
        Console.WriteLine(response.Text);
        // README: end

        response.Text.Should().Be("Hello from ChatBedrock");
    }

    [Theory]
    [InlineData("chat client as model")]
    [InlineData("model as chat client")]
    public void TheReadme_ShowsExactlyThisCode(string snippet)
    {
        ReadmeSnippets.Readme().Should().Contain(ReadmeSnippets.FromSource("tests/Adapters.ExtensionsAI.Tests/ReadmeExampleTests.cs", snippet));
    }
}
