using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ChatBedrock.Application.Tests;

public sealed class ContinueConversationTests
{
    private readonly ScriptedLanguageModel _model = new();
    private readonly RecordingRepository _repository = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 5, 18, 10, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ContinueConversation UseCase(Action<ConversationOptions>? configure = null)
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<ILanguageModel>(_model)
            .AddSingleton<IConversationRepository>(_repository)
            .AddSingleton<TimeProvider>(_time)
            .AddConversationUseCases(configure);
        return services.BuildServiceProvider().GetRequiredService<ContinueConversation>();
    }

    [Fact]
    public async Task Execute_WithoutSessionId_MintsOneAndStoresTheTurn()
    {
        _model.Answer("こんにちは", "！");

        var reply = await UseCase().ExecuteAsync(new ConversationRequest("おはよう", null), Ct);

        Guid.TryParse(reply.SessionId.Value, out _).Should().BeTrue();
        reply.OutputText.Should().Be("こんにちは！");
        reply.StopReason.Should().Be(StopReasons.EndTurn);
        reply.Usage.OutputTokens.Should().BePositive();
        _repository.LoadLimits.Should().BeEmpty("a new session has no history to load");
        var stored = await _repository.LoadAsync(reply.SessionId, null, Ct);
        stored.Should().BeEquivalentTo([
            ChatMessage.User("おはよう", _time.GetUtcNow()),
            ChatMessage.Assistant("こんにちは！", _time.GetUtcNow()) with { Usage = reply.Usage.ToMessageUsage("scripted-model") },
        ]);
    }

    [Fact]
    public async Task Execute_WithEmptySessionId_MintsOne()
    {
        var reply = await UseCase().ExecuteAsync(new ConversationRequest("hi", ""), Ct);

        reply.SessionId.Value.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Execute_ContinuingASession_SendsTheHistoryThenTheInput()
    {
        var useCase = UseCase(o => o.SystemPrompt = "Be brief.");
        var first = await useCase.ExecuteAsync(new ConversationRequest("q1", null), Ct);
        _model.Answer("second answer");

        var second = await useCase.ExecuteAsync(new ConversationRequest("q2", first.SessionId.Value), Ct);

        second.SessionId.Should().Be(first.SessionId);
        var request = _model.Requests.Last();
        request.SystemPrompt.Should().Be("Be brief.");
        request.Messages.Select(m => m.Content).Should().Equal("q1", "echo: q1", "q2");
        request.Settings.MaxTokens.Should().Be(1000);
        request.Settings.Temperature.Should().Be(0.5);
        (await _repository.LoadAsync(first.SessionId, null, Ct)).Select(m => m.Content)
            .Should().Equal("q1", "echo: q1", "q2", "second answer");
    }

    [Fact]
    public async Task Execute_AppliesTheWindowRuleToWhatTheModelReceives()
    {
        var id = SessionId.New();
        await _repository.SeedAsync(id, pairs: 10);

        await UseCase(o => o.MaxHistoryMessages = 4).ExecuteAsync(new ConversationRequest("next", id.Value), Ct);

        _model.Requests.Single().Messages.Select(m => m.Content).Should().Equal("q8", "a8", "q9", "a9", "next");
        _repository.LoadLimits.Should().Equal(5);
    }

    [Fact]
    public async Task Execute_AppliesTheTokenBudgetToWhatTheModelReceives()
    {
        var id = SessionId.New();
        await _repository.SeedAsync(id, pairs: 10, padTo: 60);

        // Each stored message is 60 ASCII characters = 15 + 4 tokens; the input 1 + 4. Budget 100 admits two pairs (76).
        await UseCase(o => o.MaxContextTokens = 100).ExecuteAsync(new ConversationRequest("next", id.Value), Ct);

        _model.Requests.Single().Messages.Select(m => m.Content[..2]).Should().Equal("q8", "a8", "q9", "a9", "ne");
    }

    [Fact]
    public async Task Execute_WhenTheModelFails_StoresNothingAndRaisesTheError()
    {
        var id = SessionId.New();
        _model.Fail(new ChatException(ChatErrorCode.ModelThrottled, "throttled"));

        var act = () => UseCase().ExecuteAsync(new ConversationRequest("q", id.Value), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.ModelThrottled);
        _repository.Appends.Should().Be(0);
        (await _repository.LoadAsync(id, null, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task Execute_WhenCancelled_StoresNothing()
    {
        _model.Hang("partial");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        var act = () => UseCase().ExecuteAsync(new ConversationRequest("q", null), cts.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        _repository.Appends.Should().Be(0);
    }

    [Fact]
    public async Task Execute_WithInvalidInput_NeitherCallsTheModelNorStores()
    {
        var act = () => UseCase().ExecuteAsync(new ConversationRequest("  ", null), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.InputMissing);
        _model.Requests.Should().BeEmpty();
        _repository.Appends.Should().Be(0);
    }

    [Fact]
    public async Task Execute_WithInvalidSessionId_ThrowsSessionIdInvalid()
    {
        var act = () => UseCase().ExecuteAsync(new ConversationRequest("q", "../etc"), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.SessionIdInvalid);
        _model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Execute_WithInputOverTheConfiguredLimit_ThrowsInputTooLong()
    {
        var act = () => UseCase(o => o.MaxInputLength = 5).ExecuteAsync(new ConversationRequest("123456", null), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.InputTooLong);
    }

    [Fact]
    public async Task Stream_YieldsDeltasInOrderThenTheStoredReply()
    {
        _model.Answer("a", "b", "c");

        var updates = new List<ConversationUpdate>();
        await foreach (var update in UseCase().StreamAsync(new ConversationRequest("q", null), Ct))
        {
            updates.Add(update);
        }

        var started = updates[0].Should().BeOfType<ConversationStarted>().Subject;
        updates.OfType<ConversationDelta>().Select(d => d.Text).Should().Equal("a", "b", "c");
        var completed = updates[^1].Should().BeOfType<ConversationCompleted>().Subject;
        completed.Reply.SessionId.Should().Be(started.SessionId);
        completed.Reply.OutputText.Should().Be("abc");
        (await _repository.LoadAsync(completed.Reply.SessionId, null, Ct)).Select(m => m.Content).Should().Equal("q", "abc");
    }

    [Fact]
    public async Task Stream_NamesTheGivenSessionBeforeAskingTheModel()
    {
        var id = SessionId.New();
        await using var updates = UseCase().StreamAsync(new ConversationRequest("q", id.Value), Ct).GetAsyncEnumerator(Ct);

        (await updates.MoveNextAsync()).Should().BeTrue();

        updates.Current.Should().Be(new ConversationStarted(id));
        _model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Stream_StoresOnlyAfterTheAnswerCompletes()
    {
        _model.Answer("a", "b");
        var appendsSeenDuringDeltas = new List<int>();

        await foreach (var update in UseCase().StreamAsync(new ConversationRequest("q", null), Ct))
        {
            if (update is ConversationDelta)
            {
                appendsSeenDuringDeltas.Add(_repository.Appends);
            }
        }

        appendsSeenDuringDeltas.Should().Equal(0, 0);
        _repository.Appends.Should().Be(1);
    }

    [Fact]
    public async Task Stream_WhenTheModelFailsMidStream_StoresNothing()
    {
        _model.Fail(new ChatException(ChatErrorCode.ModelUnavailable, "boom"), "partial");

        var act = async () =>
        {
            await foreach (var _ in UseCase().StreamAsync(new ConversationRequest("q", null), Ct))
            {
            }
        };

        await act.Should().ThrowAsync<ChatException>();
        _repository.Appends.Should().Be(0);
    }

    [Fact]
    public async Task Stream_WhenTheModelsStreamEndsWithoutItsEndMarker_ThrowsModelUnavailableAndStoresNothing()
    {
        _model.Truncate("part", "ial");

        var act = async () =>
        {
            await foreach (var _ in UseCase().StreamAsync(new ConversationRequest("q", null), Ct))
            {
            }
        };

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.ModelUnavailable);
        _repository.Appends.Should().Be(0);
    }

    [Fact]
    public async Task Execute_WhenTheModelsAnswerEndsWithoutItsEndMarker_ThrowsModelUnavailableAndStoresNothing()
    {
        _model.Truncate("partial");

        var act = () => UseCase().ExecuteAsync(new ConversationRequest("q", null), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.ModelUnavailable);
        _repository.Appends.Should().Be(0);
    }

    [Fact]
    public async Task Stream_WhenTheCallerStopsReading_StoresNothing()
    {
        _model.Hang("partial");
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        var act = async () =>
        {
            await foreach (var _ in UseCase().StreamAsync(new ConversationRequest("q", null), cts.Token))
            {
                await cts.CancelAsync();
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        _repository.Appends.Should().Be(0);
    }

    [Fact]
    public async Task Execute_WhenTheStoreFails_RaisesTheStoreError()
    {
        _repository.FailAppendWith = new ChatException(ChatErrorCode.StoreUnavailable, "table missing");

        var act = () => UseCase().ExecuteAsync(new ConversationRequest("q", null), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.StoreUnavailable);
    }
}
