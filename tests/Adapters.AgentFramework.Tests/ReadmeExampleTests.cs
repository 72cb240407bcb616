// The example is written for an app, not a test: no test cancellation token.
#pragma warning disable xUnit1051

using ChatBedrock.Adapters.AgentFramework;
using ChatBedrock.Testing;
using ChatBedrock.Testing.ExtensionsAI;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Adapters.AgentFramework.Tests;

/// <summary>The README's Agent Framework example, verbatim between the markers, so it keeps compiling and working.</summary>
public sealed class ReadmeExampleTests
{
    [Fact]
    public async Task AnAgent_KeepsItsHistoryInAChatBedrockStore()
    {
        IChatClient someChatClient = new ScriptedChatClient().Answer("こんにちは！");

        // README: agent history
        var services = new ServiceCollection().AddLogging();
        services.AddInMemoryConversationRepository();   // or AddDynamoDbConversationRepository / AddSqliteConversationRepository
        services.AddConversationHistoryProvider();
        await using var provider = services.BuildServiceProvider();

        AIAgent agent = someChatClient.AsAIAgent(new ChatClientAgentOptions
        {
            ChatOptions = new() { Instructions = "You are a helpful assistant." },
            ChatHistoryProvider = provider.GetRequiredService<ChatHistoryProvider>(),
        });
        AgentSession session = await agent.CreateSessionAsync();
        Console.WriteLine(await agent.RunAsync("こんにちは", session));
        Console.WriteLine($"ChatBedrock session: {session.GetChatBedrockSessionId()?.Value}");
        // README: end

        session.GetChatBedrockSessionId().Should().NotBeNull();
    }

    [Fact]
    public void TheReadme_ShowsExactlyThisCode()
    {
        ReadmeSnippets.Readme().Should().Contain(ReadmeSnippets.FromSource("tests/Adapters.AgentFramework.Tests/ReadmeExampleTests.cs", "agent history"));
    }
}
