using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Application.Tests;

/// <summary>A streamed answer the client stopped keeps what arrived (issue 15); the deadline and model errors keep nothing.</summary>
public sealed class StreamedTurnTests
{
    private readonly ScriptedLanguageModel _model = new();
    private readonly RecordingRepository _repository = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private T UseCase<T>(Action<ConversationOptions>? configure = null)
        where T : notnull =>
        new ServiceCollection()
            .AddLogging()
            .AddSingleton<ILanguageModel>(_model)
            .AddSingleton<IConversationRepository>(_repository)
            .AddConversationUseCases(configure)
            .BuildServiceProvider()
            .GetRequiredService<T>();

    [Fact]
    public async Task ClientGoneAfterTwoDeltas_StoresThemAsAnInterruptedAnswer()
    {
        _model.Hang("Hel", "lo");
        using var client = new CancellationTokenSource();
        SessionId? id = null;
        var deltas = 0;

        var act = async () =>
        {
            await foreach (var update in UseCase<ContinueConversation>().StreamAsync(new ConversationRequest("hi", null), client.Token, client.Token))
            {
                id = (update as ConversationStarted)?.SessionId ?? id;
                if (update is ConversationDelta && ++deltas == 2)
                {
                    await client.CancelAsync();
                }
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        var stored = await _repository.LoadAsync(id!.Value, null, Ct);
        stored.Select(m => (m.Content, m.Interrupted)).Should().Equal(("hi", false), ("Hello", true));
    }

    [Fact]
    public async Task CallerStopsReadingWhenTheClientIsGone_StoresWhatArrived()
    {
        _model.Answer("one ", "two ", "three");
        using var client = new CancellationTokenSource();
        var updates = UseCase<ContinueConversation>().StreamAsync(new ConversationRequest("hi", null), client.Token, Ct).GetAsyncEnumerator(Ct);
        (await updates.MoveNextAsync()).Should().BeTrue();
        var id = ((ConversationStarted)updates.Current).SessionId;
        (await updates.MoveNextAsync()).Should().BeTrue();

        // The connection closed: writing the delta failed, so the endpoint disposes the stream.
        await client.CancelAsync();
        await updates.DisposeAsync();

        var stored = await _repository.LoadAsync(id, null, Ct);
        stored.Select(m => (m.Content, m.Interrupted)).Should().Equal(("hi", false), ("one ", true));
    }

    [Fact]
    public async Task ClientGoneBeforeAnyDelta_StoresNothing()
    {
        _model.Hang();
        using var client = new CancellationTokenSource();
        var updates = UseCase<ContinueConversation>().StreamAsync(new ConversationRequest("hi", null), client.Token, client.Token).GetAsyncEnumerator(Ct);
        (await updates.MoveNextAsync()).Should().BeTrue();
        await client.CancelAsync();

        var act = async () => await updates.MoveNextAsync();

        await act.Should().ThrowAsync<OperationCanceledException>();
        await updates.DisposeAsync();
        _repository.Appends.Should().Be(0);
    }

    [Fact]
    public async Task DeadlineAfterDeltas_WithTheClientStillThere_StoresNothing()
    {
        _model.Hang("Hel");
        using var deadline = new CancellationTokenSource();
        var act = async () =>
        {
            await foreach (var update in UseCase<ContinueConversation>().StreamAsync(new ConversationRequest("hi", null), CancellationToken.None, deadline.Token))
            {
                if (update is ConversationDelta)
                {
                    await deadline.CancelAsync();
                }
            }
        };

        await act.Should().ThrowAsync<OperationCanceledException>();
        _repository.Appends.Should().Be(0, "a deadline is a timeout the client learns about, and the turn can be sent again");
    }

    [Fact]
    public async Task ModelErrorAfterDeltas_WhileTheClientLeaves_StoresNothing()
    {
        using var client = new CancellationTokenSource();
        _model.Fail(new ChatException(ChatErrorCode.ModelUnavailable, "down"), "Hel");
        var act = async () =>
        {
            await foreach (var update in UseCase<ContinueConversation>().StreamAsync(new ConversationRequest("hi", null), client.Token, Ct))
            {
                if (update is ConversationDelta)
                {
                    await client.CancelAsync();
                }
            }
        };

        await act.Should().ThrowAsync<ChatException>();
        _repository.Appends.Should().Be(0);
    }

    [Fact]
    public async Task NextTurnAfterAStop_SendsTheInterruptedAnswerInTheHistory()
    {
        _model.Hang("partial");
        using var client = new CancellationTokenSource();
        SessionId? id = null;
        var act = async () =>
        {
            await foreach (var update in UseCase<ContinueConversation>().StreamAsync(new ConversationRequest("hi", null), client.Token, client.Token))
            {
                id = (update as ConversationStarted)?.SessionId ?? id;
                if (update is ConversationDelta)
                {
                    await client.CancelAsync();
                }
            }
        };
        await act.Should().ThrowAsync<OperationCanceledException>();

        await UseCase<ContinueConversation>().ExecuteAsync(new ConversationRequest("go on", id!.Value.Value), Ct);

        _model.Requests.Last().Messages.Select(m => m.Content).Should().Equal("hi", "partial", "go on");
    }

    [Fact]
    public async Task ProposeTitles_OnANewConversation_ReturnsTheModelsCleanedTitle_AndNotOnLaterTurns()
    {
        var useCase = UseCase<ContinueConversation>(o => o.ProposeTitles = true);
        _model.Answer("Paris is the capital.").Answer("\"Capital of France.\"\nmore");

        var first = await useCase.ExecuteAsync(new ConversationRequest("What is the capital of France?", null), Ct);
        var second = await useCase.ExecuteAsync(new ConversationRequest("And Spain?", first.SessionId.Value), Ct);

        first.Title.Should().Be("Capital of France");
        second.Title.Should().BeNull();
        _model.Requests.Should().HaveCount(3, "one extra call, after the first answer only");
    }

    [Fact]
    public async Task ProposeTitles_Off_MakesNoExtraCall()
    {
        var reply = await UseCase<ContinueConversation>().ExecuteAsync(new ConversationRequest("hi", null), Ct);

        reply.Title.Should().BeNull();
        _model.Requests.Should().ContainSingle();
    }

    [Fact]
    public async Task ProposeTitles_WhenTheTitleCallFails_StillAnswersTheTurn()
    {
        _model.Answer("answer").Fail(new ChatException(ChatErrorCode.ModelThrottled, "slow down"));

        var reply = await UseCase<ContinueConversation>(o => o.ProposeTitles = true).ExecuteAsync(new ConversationRequest("hi", null), Ct);

        reply.OutputText.Should().Be("answer");
        reply.Title.Should().BeNull();
    }
}
