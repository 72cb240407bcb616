using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ChatBedrock.Application.Tests;

/// <summary><see cref="ReadConversation"/> and <see cref="DeleteConversation"/>.</summary>
public sealed class SessionUseCaseTests
{
    private readonly RecordingRepository _repository = new();
    private readonly ServiceProvider _services;

    public SessionUseCaseTests() =>
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<ILanguageModel, ScriptedLanguageModel>()
            .AddSingleton<IConversationRepository>(_repository)
            .AddConversationUseCases()
            .BuildServiceProvider();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_ReturnsTheNewestPageOldestFirst_WithoutSystemMessages()
    {
        var id = SessionId.Parse("s1");
        await _repository.SeedAsync(id, pairs: 2);
        await _repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q2"), ChatMessage.Assistant("a2")), Ct);

        var transcript = await _services.GetRequiredService<ReadConversation>().ExecuteAsync("s1", Ct);

        transcript.SessionId.Should().Be(id);
        transcript.Messages.Select(m => m.Content).Should().Equal("q0", "a0", "q1", "a1", "q2", "a2");
        transcript.Next.Should().BeNull();
        _repository.PageRequests.Should().Equal([(PageCursor.DefaultLimit, null)], "a reader reads one page, not the whole conversation");
        _repository.LoadLimits.Should().BeEmpty();
    }

    [Fact]
    public async Task Read_WithALimitAndTheNextCursor_WalksBackThroughOlderPages()
    {
        var id = SessionId.Parse("paged");
        await _repository.SeedAsync(id, pairs: 3);
        var read = _services.GetRequiredService<ReadConversation>();

        var newest = await read.ExecuteAsync("paged", 4, null, Ct);
        var older = await read.ExecuteAsync("paged", 4, newest.Next, Ct);

        newest.Messages.Select(m => m.Content).Should().Equal("q1", "a1", "q2", "a2");
        older.Messages.Select(m => m.Content).Should().Equal("q0", "a0");
        older.Next.Should().BeNull();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task Read_WithALimitOutsideOneToAThousand_IsLimitInvalid(int limit)
    {
        var act = () => _services.GetRequiredService<ReadConversation>().ExecuteAsync("s1", limit, null, Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.LimitInvalid);
        _repository.PageRequests.Should().BeEmpty();
    }

    [Theory]
    [InlineData(null, PageCursor.DefaultLimit)]
    [InlineData("1", 1)]
    [InlineData("1000", 1000)]
    public void ParseLimit_AcceptsAbsentOrOneToAThousand(string? text, int expected) =>
        PageCursor.ParseLimit(text).Should().Be(expected);

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("1001")]
    [InlineData("ten")]
    [InlineData("-5")]
    [InlineData("+5")]
    [InlineData("99999999999")]
    public void ParseLimit_RefusesAnythingElse_WithLimitInvalid(string text) =>
        FluentActions.Invoking(() => PageCursor.ParseLimit(text)).Should().Throw<ChatException>().Which.Code.Should().Be(ChatErrorCode.LimitInvalid);

    [Fact]
    public async Task Read_OfAnUnknownSession_HasNoMessages()
    {
        var transcript = await _services.GetRequiredService<ReadConversation>().ExecuteAsync("nobody", Ct);

        transcript.Messages.Should().BeEmpty();
    }

    [Theory]
    [InlineData("")]
    [InlineData("../etc")]
    public async Task ReadOrDelete_WithAnInvalidId_IsSessionIdInvalid(string id)
    {
        var read = () => _services.GetRequiredService<ReadConversation>().ExecuteAsync(id, Ct);
        var delete = () => _services.GetRequiredService<DeleteConversation>().ExecuteAsync(id, Ct);

        (await read.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.SessionIdInvalid);
        (await delete.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.SessionIdInvalid);
    }

    [Fact]
    public async Task Delete_ForgetsTheConversation()
    {
        var id = SessionId.Parse("gone");
        await _repository.SeedAsync(id, pairs: 1);

        await _services.GetRequiredService<DeleteConversation>().ExecuteAsync("gone", Ct);

        (await _repository.LoadAsync(id, null, Ct)).Should().BeEmpty();
    }
}
