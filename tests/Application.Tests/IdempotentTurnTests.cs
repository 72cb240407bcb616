using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Application.Tests;

/// <summary><see cref="ContinueConversation"/> with an idempotency key (<see cref="ConversationRequest.RequestId"/>).</summary>
public sealed class IdempotentTurnTests
{
    private readonly ScriptedLanguageModel _model = new();
    private readonly RecordingRepository _repository = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ContinueConversation UseCase(Action<ConversationOptions>? configure = null) =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton<ILanguageModel>(_model)
            .AddSingleton<IConversationRepository>(_repository)
            .AddConversationUseCases(configure)
            .BuildServiceProvider()
            .GetRequiredService<ContinueConversation>();

    [Fact]
    public async Task Execute_RepeatedWithTheSameKey_AnswersFromTheStoreWithoutTheModelOrASecondTurn()
    {
        var useCase = UseCase();
        var id = SessionId.New();
        await _repository.SeedAsync(id, pairs: 1);
        _model.Answer("the first answer");
        var first = await useCase.ExecuteAsync(new ConversationRequest("q", id.Value, "key-1"), Ct);

        var again = await useCase.ExecuteAsync(new ConversationRequest("q", id.Value, "key-1"), Ct);

        again.OutputText.Should().Be(first.OutputText).And.Be("the first answer");
        again.SessionId.Should().Be(id);
        again.StopReason.Should().Be(ContinueConversation.ReplayedStopReason);
        again.Usage.Should().Be(default(ModelUsage), "no model call was made");
        _model.Requests.Should().HaveCount(1);
        _repository.Appends.Should().Be(1);
        (await _repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q0", "a0", "q", "the first answer");
    }

    [Fact]
    public async Task Stream_RepeatedWithTheSameKey_IsStartOneDeltaWithTheStoredTextAndCompleted()
    {
        var useCase = UseCase();
        var id = SessionId.New();
        await _repository.SeedAsync(id, pairs: 1);
        _model.Answer("stored ", "answer");
        await useCase.ExecuteAsync(new ConversationRequest("q", id.Value, "key-2"), Ct);

        var updates = await useCase.StreamAsync(new ConversationRequest("q", id.Value, "key-2"), Ct).ToListAsync(Ct);

        updates.Should().HaveCount(3);
        updates[0].Should().Be(new ConversationStarted(id));
        updates[1].Should().Be(new ConversationDelta("stored answer"));
        ((ConversationCompleted)updates[2]).Reply.OutputText.Should().Be("stored answer");
        _model.Requests.Should().HaveCount(1);
        _repository.Appends.Should().Be(1);
    }

    [Fact]
    public async Task Execute_WithADifferentKey_RunsAndStoresANewTurn()
    {
        var useCase = UseCase();
        var id = SessionId.New();
        await _repository.SeedAsync(id, pairs: 1);
        await useCase.ExecuteAsync(new ConversationRequest("q", id.Value, "key-a"), Ct);

        await useCase.ExecuteAsync(new ConversationRequest("q", id.Value, "key-b"), Ct);

        _model.Requests.Should().HaveCount(2);
        _repository.Appends.Should().Be(2);
        (await _repository.LoadAsync(id, null, Ct)).Where(m => m.Role == ChatRole.User).Select(m => m.RequestId)
            .Should().Equal(null, "key-a", "key-b");
    }

    [Fact]
    public async Task Execute_WithAKeyUsedForOtherInput_IsRequestIdReusedAndAsksNoModel()
    {
        var useCase = UseCase();
        var id = SessionId.New();
        await _repository.SeedAsync(id, pairs: 1);
        await useCase.ExecuteAsync(new ConversationRequest("q", id.Value, "key-c"), Ct);

        var act = () => useCase.ExecuteAsync(new ConversationRequest("something else", id.Value, "key-c"), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.RequestIdReused);
        _model.Requests.Should().HaveCount(1);
    }

    [Fact]
    public async Task Execute_WithAKeyOlderThanTheLoadedWindow_RunsTheTurnAgain()
    {
        var useCase = UseCase(o => o.MaxHistoryMessages = 2);
        var id = SessionId.New();
        await _repository.SeedAsync(id, pairs: 1);
        await useCase.ExecuteAsync(new ConversationRequest("q", id.Value, "old-key"), Ct);
        await _repository.SeedAsync(id, pairs: 2);

        await useCase.ExecuteAsync(new ConversationRequest("q", id.Value, "old-key"), Ct);

        _model.Requests.Should().HaveCount(2, "the documented limit: only the loaded window is searched");
    }

    [Theory]
    [InlineData("")]
    [InlineData("tab\there")]
    [InlineData("é")]
    [InlineData("line\nbreak")]
    public async Task Execute_WithAKeyOutsideTheRule_IsRequestIdInvalid(string key)
    {
        var act = () => UseCase().ExecuteAsync(new ConversationRequest("q", null, key), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.RequestIdInvalid);
        _model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Execute_WithA128CharacterKey_IsAccepted_And129IsNot()
    {
        var useCase = UseCase();

        await useCase.ExecuteAsync(new ConversationRequest("q", null, new string('k', 128)), Ct);
        var act = () => useCase.ExecuteAsync(new ConversationRequest("q", null, new string('k', 129)), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.RequestIdInvalid);
    }
}
