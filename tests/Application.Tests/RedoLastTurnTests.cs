using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Application.Tests;

public sealed class RedoLastTurnTests
{
    private readonly ScriptedLanguageModel _model = new();
    private readonly RecordingRepository _repository = new();
    private readonly ServiceProvider _services;

    public RedoLastTurnTests() => _services = new ServiceCollection()
        .AddLogging()
        .AddSingleton<ILanguageModel>(_model)
        .AddSingleton<IConversationRepository>(_repository)
        .AddConversationUseCases()
        .BuildServiceProvider();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private RedoLastTurn UseCase => _services.GetRequiredService<RedoLastTurn>();

    [Fact]
    public async Task Regenerate_SendsTheHistoryBeforeTheLastTurn_AndReplacesItsAnswer()
    {
        var id = SessionId.New();
        await _repository.SeedAsync(id, 2);
        _model.Answer("a1 again");

        var reply = await UseCase.ExecuteAsync(new RedoRequest(id.Value, null), Ct);

        reply.OutputText.Should().Be("a1 again");
        _model.Requests.Single().Messages.Select(m => m.Content).Should().Equal("q0", "a0", "q1");
        (await _repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q0", "a0", "q1", "a1 again");
    }

    [Fact]
    public async Task Edit_AsksTheNewQuestion_AndReplacesTheLastTurnWithIt()
    {
        var id = SessionId.New();
        await _repository.SeedAsync(id, 2);

        await UseCase.ExecuteAsync(new RedoRequest(id.Value, "q1 edited"), Ct);

        (await _repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q0", "a0", "q1 edited", "echo: q1 edited");
    }

    [Fact]
    public async Task Stream_Regenerate_YieldsStartDeltasAndTheStoredReply()
    {
        var id = SessionId.New();
        await _repository.SeedAsync(id, 1);
        _model.Answer("new ", "answer");

        var updates = new List<ConversationUpdate>();
        await foreach (var update in UseCase.StreamAsync(new RedoRequest(id.Value, null), Ct, Ct))
        {
            updates.Add(update);
        }

        updates[0].Should().Be(new ConversationStarted(id));
        updates.OfType<ConversationDelta>().Select(d => d.Text).Should().Equal("new ", "answer");
        ((ConversationCompleted)updates[^1]).Reply.OutputText.Should().Be("new answer");
        (await _repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q0", "new answer");
    }

    [Fact]
    public async Task Redo_OfASessionWithoutTurns_IsSessionNotFound_AndAsksNoModel()
    {
        var act = () => UseCase.ExecuteAsync(new RedoRequest(SessionId.New().Value, null), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.SessionNotFound);
        _model.Requests.Should().BeEmpty();
    }

    [Fact]
    public async Task Redo_WhenAnotherTurnArrivedMeanwhile_IsTurnChanged_AndKeepsBothTurns()
    {
        var id = SessionId.New();
        await _repository.SeedAsync(id, 1);
        _model.DefaultAnswer = _ =>
        {
            // Another tab's turn is stored while this one is being answered.
            _repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("other"), ChatMessage.Assistant("other answer")), Ct).GetAwaiter().GetResult();
            return "late";
        };

        var act = () => UseCase.ExecuteAsync(new RedoRequest(id.Value, null), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.TurnChanged);
        (await _repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q0", "a0", "other", "other answer");
    }

    [Theory]
    [InlineData(null, "hi", ChatErrorCode.SessionIdInvalid)]
    [InlineData("abc", "   ", ChatErrorCode.InputMissing)]
    public async Task Redo_WithABadRequest_IsRefusedBeforeTheStore(string? session, string? input, ChatErrorCode code)
    {
        var act = () => UseCase.ExecuteAsync(new RedoRequest(session, input), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(code);
        _repository.LoadLimits.Should().BeEmpty();
    }
}
