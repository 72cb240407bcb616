using Amazon.DynamoDBv2.Model;
using ChatBedrock.Adapters.DynamoDb;
using ChatBedrock.Adapters.Sqlite;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.ExtensionsAI;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using AIChatRole = Microsoft.Extensions.AI.ChatRole;
using ChatMessage = ChatBedrock.Domain.ChatMessage;
using ChatRole = ChatBedrock.Domain.ChatRole;

namespace ChatBedrock.Adapters.AgentFramework.Tests;

/// <summary>A real Agent Framework <see cref="ChatClientAgent"/> keeping its history in ChatBedrock's stores.</summary>
public sealed class ChatClientAgentTests(DynamoDbTables tables) : IDisposable
{
    private readonly string _sqliteFolder = Directory.CreateTempSubdirectory("chatbedrock-agent-").FullName;
    private readonly List<ServiceProvider> _providers = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> Stores() => ["dynamodb-langchain", "dynamodb-turns", "sqlite", "in-memory"];

    public void Dispose()
    {
        foreach (var provider in _providers)
        {
            provider.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_sqliteFolder, recursive: true);
    }

    [Theory]
    [MemberData(nameof(Stores))]
    public async Task TwoRunsOnOneSession_TheSecondRequestCarriesTheFirstExchange(string store)
    {
        var repository = Repository(store);
        var chat = new ScriptedChatClient().Answer("Nice to meet you, ", "Ada.").Answer("Your name is Ada.");
        var agent = Agent(chat, repository);
        var session = await agent.CreateSessionAsync(Ct);

        var first = await agent.RunAsync("My name is Ada.", session, cancellationToken: Ct);
        var second = await agent.RunAsync("What is my name?", session, cancellationToken: Ct);

        first.Text.Should().Be("Nice to meet you, Ada.");
        second.Text.Should().Be("Your name is Ada.");
        chat.Requests.Last().Messages.Where(m => m.Role != AIChatRole.System).Select(m => (m.Role, m.Text)).Should().Equal(
            (AIChatRole.User, "My name is Ada."),
            (AIChatRole.Assistant, "Nice to meet you, Ada."),
            (AIChatRole.User, "What is my name?"));
        var stored = await repository.LoadAsync(session.GetChatBedrockSessionId()!.Value, null, Ct);
        stored.Select(m => (m.Role, m.Content)).Should().Equal(
            (ChatRole.User, "My name is Ada."),
            (ChatRole.Assistant, "Nice to meet you, Ada."),
            (ChatRole.User, "What is my name?"),
            (ChatRole.Assistant, "Your name is Ada."));
    }

    [Fact]
    public async Task TwoRuns_OverDynamoDb_LeaveTheHistoryInTheLangChainLayout()
    {
        var agent = Agent(new ScriptedChatClient().Answer("Hello!").Answer("Still here."), tables.Repository(DynamoDbStoreLayout.LangChain));
        var session = await agent.CreateSessionAsync(Ct);

        await agent.RunAsync("Hi", session, cancellationToken: Ct);
        await agent.RunAsync("Are you there?", session, cancellationToken: Ct);

        var item = await tables.LangChainItemAsync(session.GetChatBedrockSessionId()!.Value.Value);
        var history = item["History"].L;
        history.Select(e => (e.M["type"].S, e.M["data"].M["content"].S)).Should().Equal(
            ("human", "Hi"), ("ai", "Hello!"), ("human", "Are you there?"), ("ai", "Still here."));
    }

    [Fact]
    public async Task ASerializedSession_ContinuesTheSameConversation()
    {
        var repository = InMemory();
        var chat = new ScriptedChatClient().Answer("First answer.").Answer("Second answer.");
        var agent = Agent(chat, repository);
        var session = await agent.CreateSessionAsync(Ct);
        await agent.RunAsync("First question", session, cancellationToken: Ct);

        var json = await agent.SerializeSessionAsync(session, cancellationToken: Ct);
        var restored = await agent.DeserializeSessionAsync(json, cancellationToken: Ct);
        await agent.RunAsync("Second question", restored, cancellationToken: Ct);

        restored.GetChatBedrockSessionId().Should().Be(session.GetChatBedrockSessionId());
        chat.Requests.Last().Messages.Select(m => m.Text).Should().Contain(["First question", "First answer."]);
    }

    [Fact]
    public async Task ASessionTiedToAnExistingId_SeesThatConversation()
    {
        var repository = InMemory();
        var id = SessionId.Parse("written-by-the-http-api");
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("Earlier question"), ChatMessage.Assistant("Earlier answer")), Ct);
        var chat = new ScriptedChatClient();
        var agent = Agent(chat, repository);
        var session = await agent.CreateSessionAsync(Ct);
        session.SetChatBedrockSessionId(id);

        await agent.RunAsync("And now?", session, cancellationToken: Ct);

        chat.Requests.Single().Messages.Select(m => m.Text).Should().ContainInOrder("Earlier question", "Earlier answer", "And now?");
        (await repository.LoadAsync(id, null, Ct)).Should().HaveCount(4);
    }

    [Fact]
    public async Task AFailedRun_StoresNothing()
    {
        var repository = InMemory();
        var agent = Agent(new ScriptedChatClient().Fail(new HttpRequestException("down")), repository);
        var session = await agent.CreateSessionAsync(Ct);

        var act = () => agent.RunAsync("Hello?", session, cancellationToken: Ct);

        await act.Should().ThrowAsync<HttpRequestException>();
        var id = session.GetChatBedrockSessionId();
        (id is null ? [] : await repository.LoadAsync(id.Value, null, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task AStreamedRun_IsStoredAsOneTurn()
    {
        var repository = InMemory();
        var agent = Agent(new ScriptedChatClient().Answer("Str", "eamed."), repository);
        var session = await agent.CreateSessionAsync(Ct);

        await foreach (var update in agent.RunStreamingAsync("Stream please", session, cancellationToken: Ct))
        {
        }

        (await repository.LoadAsync(session.GetChatBedrockSessionId()!.Value, null, Ct)).Select(m => m.Content)
            .Should().Equal("Stream please", "Streamed.");
    }

    private static ChatClientAgent Agent(IChatClient chat, IConversationRepository repository) => new(chat, new ChatClientAgentOptions
    {
        Name = "assistant",
        ChatOptions = new ChatOptions { Instructions = "You are terse." },
        ChatHistoryProvider = repository.AsChatHistoryProvider(),
    });

    private static IConversationRepository InMemory() =>
        new ServiceCollection().AddInMemoryConversationRepository().BuildServiceProvider().GetRequiredService<IConversationRepository>();

    private IConversationRepository Repository(string store)
    {
        switch (store)
        {
            case "dynamodb-langchain":
                return tables.Repository(DynamoDbStoreLayout.LangChain);
            case "dynamodb-turns":
                return tables.Repository(DynamoDbStoreLayout.Turns);
            case "in-memory":
                return InMemory();
            default:
                var services = new ServiceCollection().AddLogging();
                services.AddSqliteConversationRepository(o => o.DatabasePath = Path.Combine(_sqliteFolder, "history.db"));
                var provider = services.BuildServiceProvider();
                _providers.Add(provider);
                return provider.GetRequiredService<IConversationRepository>();
        }
    }
}
