// These tests call the provider as the framework does, through its context constructors (marked for evaluation).
#pragma warning disable MAAI001

using ChatBedrock.Adapters.AgentFramework;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing.ExtensionsAI;
using Microsoft.Agents.AI;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;
using AIChatRole = Microsoft.Extensions.AI.ChatRole;
using ChatMessage = ChatBedrock.Domain.ChatMessage;

namespace ChatBedrock.Adapters.AgentFramework.Tests;

/// <summary>How the provider maps what the framework tells it onto whole turns, and which conversation it uses.</summary>
public sealed class ConversationHistoryProviderTests
{
    private static readonly ChatClientAgent Agent = new(new ScriptedChatClient());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Store_KeepsTheCallersUserTextAndTheAssistantsText_NotToolsSystemOrContextMessages()
    {
        var repository = new RecordingRepository();
        var provider = repository.AsChatHistoryProvider();
        var session = await Agent.CreateSessionAsync(Ct);
        AIChatMessage[] request =
        [
            new(AIChatRole.System, "You are terse."),
            new AIChatMessage(AIChatRole.User, "Remembered fact").WithAgentRequestMessageSource(AgentRequestMessageSourceType.AIContextProvider, "memory"),
            new(AIChatRole.User, "What is the weather?"),
        ];
        AIChatMessage[] response =
        [
            new(AIChatRole.Assistant, [new FunctionCallContent("call-1", "weather")]),
            new(AIChatRole.Tool, [new FunctionResultContent("call-1", "sunny")]),
            new(AIChatRole.Assistant, "Sunny."),
        ];

        await provider.InvokedAsync(new ChatHistoryProvider.InvokedContext(Agent, session, request, response), Ct);

        var (sessionId, turn) = repository.Appended.Single();
        sessionId.Should().Be(session.GetChatBedrockSessionId());
        (turn.User.Content, turn.Assistant.Content).Should().Be(("What is the weather?", "Sunny."));
    }

    [Fact]
    public async Task Store_JoinsSeveralUserOrAssistantMessagesWithABlankLine()
    {
        var repository = new RecordingRepository();
        var session = await Agent.CreateSessionAsync(Ct);

        await repository.AsChatHistoryProvider().InvokedAsync(
            new ChatHistoryProvider.InvokedContext(
                Agent,
                session,
                [new(AIChatRole.User, "one"), new(AIChatRole.User, "two")],
                [new(AIChatRole.Assistant, "three"), new(AIChatRole.Assistant, "four")]),
            Ct);

        var turn = repository.Appended.Single().Turn;
        (turn.User.Content, turn.Assistant.Content).Should().Be(("one\n\ntwo", "three\n\nfour"));
    }

    [Fact]
    public async Task Store_WithoutAssistantText_StoresNothing()
    {
        var repository = new RecordingRepository();
        var session = await Agent.CreateSessionAsync(Ct);

        await repository.AsChatHistoryProvider().InvokedAsync(
            new ChatHistoryProvider.InvokedContext(
                Agent,
                session,
                [new(AIChatRole.User, "Delete my files")],
                [new(AIChatRole.Assistant, [new ToolApprovalRequestContent("r1", new FunctionCallContent("c1", "delete"))])]),
            Ct);

        repository.Appended.Should().BeEmpty();
    }

    [Fact]
    public async Task Provide_LoadsTheNewestMessagesOfTheSessionsConversation()
    {
        var repository = new RecordingRepository();
        var id = SessionId.Parse("known");
        repository.Stored.AddRange([ChatMessage.User("q", DateTimeOffset.UnixEpoch), ChatMessage.Assistant("a")]);
        var session = await Agent.CreateSessionAsync(Ct);
        session.SetChatBedrockSessionId(id);

        var messages = (await repository.AsChatHistoryProvider(new ConversationHistoryOptions { MaxMessages = 10 })
            .InvokingAsync(new ChatHistoryProvider.InvokingContext(Agent, session, [new(AIChatRole.User, "new")]), Ct)).ToList();

        repository.Loaded.Should().Equal((id, (int?)10));
        messages.Select(m => (m.Role, m.Text)).Should().Equal((AIChatRole.User, "q"), (AIChatRole.Assistant, "a"), (AIChatRole.User, "new"));
        messages[0].CreatedAt.Should().Be(DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public async Task ASessionWithABrokenStoredId_FailsWithSessionIdInvalid()
    {
        var session = await Agent.CreateSessionAsync(Ct);
        session.StateBag.SetValue(AgentSessionIds.StateKey, "a/b");

        var act = () => session.GetChatBedrockSessionId();

        act.Should().Throw<ChatException>().Which.Code.Should().Be(ChatErrorCode.SessionIdInvalid);
    }

    [Fact]
    public void AsChatHistoryProvider_WithMaxMessagesBelowOneTurn_Fails()
    {
        var act = () => new RecordingRepository().AsChatHistoryProvider(new ConversationHistoryOptions { MaxMessages = 1 });

        act.Should().Throw<OptionsValidationException>().WithMessage("*AgentHistory:MaxMessages*");
    }

    [Fact]
    public void AddConversationHistoryProvider_Twice_RegistersOneProviderOnTheRegisteredRepository()
    {
        var repository = new RecordingRepository();
        var services = new ServiceCollection().AddSingleton<IConversationRepository>(repository);

        services.AddConversationHistoryProvider().AddConversationHistoryProvider(o => o.MaxMessages = 20);
        using var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });

        services.Where(d => d.ServiceType == typeof(ChatHistoryProvider)).Should().ContainSingle();
        provider.GetRequiredService<ChatHistoryProvider>().Should().NotBeNull();
        provider.GetRequiredService<IOptions<ConversationHistoryOptions>>().Value.MaxMessages.Should().Be(20);
    }

    [Fact]
    public void AddConversationHistoryProvider_WithInvalidOptions_FailsValidation()
    {
        var services = new ServiceCollection().AddSingleton<IConversationRepository>(new RecordingRepository());
        services.AddConversationHistoryProvider(o => o.MaxMessages = 0);
        using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<IOptions<ConversationHistoryOptions>>().Value;

        act.Should().Throw<OptionsValidationException>();
    }

    /// <summary>Records what the provider asks of a store.</summary>
    private sealed class RecordingRepository : IConversationRepository
    {
        public string Name => "recording";

        public List<ChatMessage> Stored { get; } = [];

        public List<(SessionId SessionId, int? NewestLimit)> Loaded { get; } = [];

        public List<(SessionId SessionId, ChatTurn Turn)> Appended { get; } = [];

        public Task<IReadOnlyList<ChatMessage>> LoadAsync(SessionId sessionId, int? newestLimit, CancellationToken cancellationToken)
        {
            Loaded.Add((sessionId, newestLimit));
            return Task.FromResult<IReadOnlyList<ChatMessage>>(Stored);
        }

        public Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken)
        {
            Appended.Add((sessionId, turn));
            return Task.CompletedTask;
        }

        public Task<bool> ReplaceLastTurnAsync(SessionId sessionId, ChatTurn expectedLast, ChatTurn replacement, CancellationToken cancellationToken) =>
            Task.FromResult(false);

        public Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
