using ChatBedrock.Application;
using ChatBedrock.Domain;

namespace ChatBedrock.Testing;

/// <summary>
/// What every <see cref="IConversationRepository"/> must do. A store's test class inherits this and
/// supplies a fresh repository; each test uses its own session ids, so stores may be shared.
/// </summary>
public abstract class ConversationRepositoryConformanceTests
{
    /// <summary>A repository to test. Called once per test.</summary>
    protected abstract Task<IConversationRepository> CreateRepositoryAsync();

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    protected static ChatTurn Turn(string user, string assistant) => new(ChatMessage.User(user), ChatMessage.Assistant(assistant));

    [Fact]
    public async Task AppendTurn_ThenLoad_RoundTripsJapaneseEmojiAndMultiLineText()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        var user = "おはようございます。今日の新潟の天気はどうですか？\n二行目 🌤️👨‍👩‍👧";
        var assistant = "こんにちは！\r\n\tIndented line with \"quotes\" and \\ backslash 🎉\n\n最後";

        await repository.AppendTurnAsync(id, Turn(user, assistant), Ct);

        var messages = await repository.LoadAsync(id, null, Ct);
        messages.Select(m => (m.Role, m.Content)).Should().Equal((ChatRole.User, user), (ChatRole.Assistant, assistant));
    }

    [Fact]
    public async Task AppendTurn_ManyTimes_KeepsOrder()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        for (var i = 0; i < 5; i++)
        {
            await repository.AppendTurnAsync(id, Turn($"q{i}", $"a{i}"), Ct);
        }

        var messages = await repository.LoadAsync(id, null, Ct);
        messages.Select(m => m.Content).Should().Equal("q0", "a0", "q1", "a1", "q2", "a2", "q3", "a3", "q4", "a4");
        messages.Select(m => m.Role).Should().Equal(Enumerable.Range(0, 5).SelectMany(_ => new[] { ChatRole.User, ChatRole.Assistant }));
    }

    [Fact]
    public async Task Load_WithNewestLimit_ReturnsAtLeastTheNewestMessagesInOrder()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        for (var i = 0; i < 6; i++)
        {
            await repository.AppendTurnAsync(id, Turn($"q{i}", $"a{i}"), Ct);
        }

        var messages = await repository.LoadAsync(id, 4, Ct);

        messages.Count.Should().BeGreaterThanOrEqualTo(4);
        messages.Select(m => m.Content).TakeLast(4).Should().Equal("q4", "a4", "q5", "a5");
        var all = await repository.LoadAsync(id, null, Ct);
        all.Select(m => m.Content).Should().EndWith(messages.Select(m => m.Content));
    }

    [Fact]
    public async Task Load_UnknownSession_ReturnsEmptyHistory()
    {
        var repository = await CreateRepositoryAsync();

        var messages = await repository.LoadAsync(SessionId.New(), null, Ct);

        messages.Should().BeEmpty();
    }

    [Fact]
    public async Task Delete_RemovesTheSessionAndOnlyIt()
    {
        var repository = await CreateRepositoryAsync();
        var doomed = SessionId.New();
        var kept = SessionId.New();
        await repository.AppendTurnAsync(doomed, Turn("q", "a"), Ct);
        await repository.AppendTurnAsync(kept, Turn("q2", "a2"), Ct);

        await repository.DeleteAsync(doomed, Ct);

        (await repository.LoadAsync(doomed, null, Ct)).Should().BeEmpty();
        (await repository.LoadAsync(kept, null, Ct)).Should().HaveCount(2);
    }

    [Fact]
    public async Task Delete_UnknownSession_Succeeds()
    {
        var repository = await CreateRepositoryAsync();

        var act = () => repository.DeleteAsync(SessionId.New(), Ct);

        await act.Should().NotThrowAsync();
    }

    [Fact]
    public async Task AppendTurn_AfterDelete_StartsAFreshHistory()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("old", "old answer"), Ct);
        await repository.DeleteAsync(id, Ct);

        await repository.AppendTurnAsync(id, Turn("new", "new answer"), Ct);

        (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("new", "new answer");
    }

    [Fact]
    public async Task AppendTurn_WhenFiftyConcurrent_LosesNothingAndKeepsPairsAdjacent()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            Task.Run(() => repository.AppendTurnAsync(id, Turn($"q{i}", $"a{i}"), Ct), Ct)));

        var messages = await repository.LoadAsync(id, null, Ct);
        messages.Should().HaveCount(100);
        for (var i = 0; i < messages.Count; i += 2)
        {
            messages[i].Role.Should().Be(ChatRole.User);
            messages[i + 1].Role.Should().Be(ChatRole.Assistant);
            messages[i + 1].Content.Should().Be("a" + messages[i].Content[1..], "a turn's two messages stay adjacent");
        }

        messages.Where(m => m.Role == ChatRole.User).Select(m => m.Content)
            .Should().BeEquivalentTo(Enumerable.Range(0, 50).Select(i => $"q{i}"));
    }

    [Fact]
    public async Task AppendTurn_ToManySessionsConcurrently_NeverLeaksBetweenSessions()
    {
        var repository = await CreateRepositoryAsync();
        var ids = Enumerable.Range(0, 10).Select(_ => SessionId.New()).ToArray();

        await Task.WhenAll(ids.SelectMany(id => Enumerable.Range(0, 3).Select(i =>
            Task.Run(() => repository.AppendTurnAsync(id, Turn($"{id.Value}:q{i}", $"{id.Value}:a{i}"), Ct), Ct))));

        foreach (var id in ids)
        {
            var messages = await repository.LoadAsync(id, null, Ct);
            messages.Should().HaveCount(6);
            messages.Should().OnlyContain(m => m.Content.StartsWith(id.Value + ":", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AppendTurn_WithUnusualButValidSessionIds_KeepsThemApart()
    {
        var repository = await CreateRepositoryAsync();
        var suffix = Guid.NewGuid().ToString("N");
        var ids = new[] { $"セッション-{suffix}", $"a b.c_{suffix}", $"{suffix}?x=1&y=%2F", $"{suffix}🙂" }.Select(SessionId.Parse).ToArray();

        foreach (var id in ids)
        {
            await repository.AppendTurnAsync(id, Turn(id.Value, "ok"), Ct);
        }

        foreach (var id in ids)
        {
            (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal(id.Value, "ok");
        }
    }

    [Fact]
    public async Task AppendTurn_WithUsage_RoundTripsTheAnswersTokenCountsAndModelId()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        var usage = new MessageUsage(120, 45, CacheReadTokens: 2048, CacheWriteTokens: 300, ModelId: "anthropic.claude-3-haiku-20240307-v1:0");
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("a") with { Usage = usage }), Ct);
        await repository.AppendTurnAsync(id, Turn("q2", "a2"), Ct);

        var messages = await repository.LoadAsync(id, null, Ct);

        messages.Select(m => m.Usage).Should().Equal(null, usage, null, null);
    }

    [Fact]
    public async Task LoadSummary_OfASessionWithout_IsNull()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("q", "a"), Ct);

        (await repository.LoadSummaryAsync(id, Ct)).Should().BeNull();
        (await repository.LoadSummaryAsync(SessionId.New(), Ct)).Should().BeNull();
    }

    [Fact]
    public async Task SaveSummary_ThenLoad_RoundTripsAndASecondSaveReplacesIt()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("q", "a"), Ct);
        var at = new DateTimeOffset(2026, 12, 4, 9, 30, 0, 123, TimeSpan.Zero);
        var first = new ConversationSummary("ユーザーは新潟の天気を尋ねた。", 2, new MessageUsage(50, 20, ModelId: "m1"), at);
        var second = new ConversationSummary("Updated summary 🌤️\nline two", 4, new MessageUsage(90, 35, 10, 5, "m2"), at.AddMinutes(1));

        await repository.SaveSummaryAsync(id, first, Ct);
        (await repository.LoadSummaryAsync(id, Ct)).Should().Be(first);
        await repository.SaveSummaryAsync(id, second, Ct);

        (await repository.LoadSummaryAsync(id, Ct)).Should().Be(second);
        (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q", "a");
    }

    [Fact]
    public async Task SaveSummary_ThenAppendTurn_KeepsBoth()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("q0", "a0"), Ct);
        var summary = new ConversationSummary("s", 2);

        await repository.SaveSummaryAsync(id, summary, Ct);
        await repository.AppendTurnAsync(id, Turn("q1", "a1"), Ct);

        (await repository.LoadSummaryAsync(id, Ct)).Should().Be(summary);
        (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q0", "a0", "q1", "a1");
    }

    [Fact]
    public async Task Delete_RemovesTheSummaryToo()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("q", "a"), Ct);
        await repository.SaveSummaryAsync(id, new ConversationSummary("s", 2), Ct);

        await repository.DeleteAsync(id, Ct);

        (await repository.LoadSummaryAsync(id, Ct)).Should().BeNull();
        (await repository.LoadAsync(id, null, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task AppendTurn_WithAnInterruptedAnswer_LoadsItMarked_AndWholeAnswersUnmarked()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("q0", "whole"), Ct);
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q1"), ChatMessage.Assistant("part") with { Interrupted = true }), Ct);

        var messages = await repository.LoadAsync(id, null, Ct);

        messages.Select(m => (m.Content, m.Interrupted)).Should().Equal(("q0", false), ("whole", false), ("q1", false), ("part", true));
    }

    [Fact]
    public async Task ReplaceLastTurn_WhenItIsTheExpectedOne_ReplacesOnlyIt()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("q0", "a0"), Ct);
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q1"), ChatMessage.Assistant("a1 cut") with { Interrupted = true }), Ct);

        var replaced = await repository.ReplaceLastTurnAsync(id, Turn("q1", "a1 cut"), Turn("q1 edited", "a1 again"), Ct);

        replaced.Should().BeTrue();
        var messages = await repository.LoadAsync(id, null, Ct);
        messages.Select(m => (m.Role, m.Content, m.Interrupted)).Should().Equal(
            (ChatRole.User, "q0", false), (ChatRole.Assistant, "a0", false), (ChatRole.User, "q1 edited", false), (ChatRole.Assistant, "a1 again", false));
        await repository.AppendTurnAsync(id, Turn("q2", "a2"), Ct);
        (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().EndWith(["a1 again", "q2", "a2"]);
    }

    [Fact]
    public async Task AppendTurn_ThenReplaceLastTurn_KeepsUsageInterruptedAndRequestIdTogether()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        var first = new MessageUsage(10, 5, ModelId: "m1");
        var second = new MessageUsage(20, 7, 3, 2, "m2");
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q") with { RequestId = "k" }, ChatMessage.Assistant("cut") with { Interrupted = true, Usage = first }), Ct);

        var loaded = await repository.LoadAsync(id, null, Ct);
        loaded.Select(m => (m.RequestId, m.Interrupted, m.Usage)).Should().Equal(("k", false, null), (null, true, first));

        (await repository.ReplaceLastTurnAsync(id, Turn("q", "cut"), new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("whole") with { Usage = second }), Ct))
            .Should().BeTrue();
        (await repository.LoadAsync(id, null, Ct))[1].Should().Match<ChatMessage>(m => m.Content == "whole" && !m.Interrupted && m.Usage == second);
    }

    [Fact]
    public async Task ReplaceLastTurn_WhenTheLastTurnIsAnother_ChangesNothing()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("q0", "a0"), Ct);
        await repository.AppendTurnAsync(id, Turn("q1", "a1"), Ct);

        var replaced = await repository.ReplaceLastTurnAsync(id, Turn("q0", "a0"), Turn("x", "y"), Ct);

        replaced.Should().BeFalse("q0 is no longer the last turn");
        (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q0", "a0", "q1", "a1");
    }

    [Fact]
    public async Task ReplaceLastTurn_OfAnUnknownSession_ReturnsFalseAndCreatesNothing()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();

        var replaced = await repository.ReplaceLastTurnAsync(id, Turn("q", "a"), Turn("x", "y"), Ct);

        replaced.Should().BeFalse();
        (await repository.LoadAsync(id, null, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task ReplaceLastTurn_RacingAnAppend_LosesNothingAndReplacesAtMostTheTurnItSaw()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("q0", "a0"), Ct);

        var append = Task.Run(() => repository.AppendTurnAsync(id, Turn("q1", "a1"), Ct), Ct);
        var replace = Task.Run(() => repository.ReplaceLastTurnAsync(id, Turn("q0", "a0"), Turn("q0", "b0"), Ct), Ct);
        await Task.WhenAll(append, replace);

        var contents = (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).ToList();
        // Either the replacement came first (then the append) or the append came first and the replacement saw
        // another last turn and changed nothing: never a lost append, never q1's answer overwritten.
        contents.Should().Equal(await replace ? ["q0", "b0", "q1", "a1"] : ["q0", "a0", "q1", "a1"]);
    }

    [Fact]
    public async Task ReplaceLastTurn_TwiceConcurrentlyFromTheSameTurn_OnlyOneWins()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("q0", "a0"), Ct);

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            Task.Run(() => repository.ReplaceLastTurnAsync(id, Turn("q0", "a0"), Turn("q0", $"b{i}"), Ct), Ct)));

        results.Count(r => r).Should().Be(1);
        var winner = Array.IndexOf(results, true);
        (await repository.LoadAsync(id, null, Ct)).Select(m => m.Content).Should().Equal("q0", $"b{winner}");
    }

    [Fact]
    public async Task LoadPage_First_IsTheNewestMessagesOldestFirst_AndNamesWhereOlderOnesStart()
    {
        var repository = await CreateRepositoryAsync();
        var id = await SeedAsync(repository, turns: 5);

        var page = await repository.LoadPageAsync(id, 4, null, Ct);

        page.Messages.Select(m => m.Message.Content).Should().Equal("q3", "a3", "q4", "a4");
        page.Next.Should().NotBeNull().And.Be(page.Messages[0].Cursor, "the next page holds what is older than this page's oldest");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public async Task LoadPage_FollowingNext_ReadsEveryMessageOnce_AndTheLastPageHasNoNext(int limit)
    {
        var repository = await CreateRepositoryAsync();
        var id = await SeedAsync(repository, turns: 5);
        var pages = new List<ConversationPage>();
        string? cursor = null;

        do
        {
            var page = await repository.LoadPageAsync(id, limit, cursor, Ct);
            page.Messages.Count.Should().BeInRange(1, limit);
            pages.Add(page);
            cursor = page.Next;
        }
        while (cursor is not null && pages.Count < 20);

        pages.Should().HaveCount((10 + limit - 1) / limit);
        Enumerable.Reverse(pages).SelectMany(p => p.Messages).Select(m => (m.Message.Role, m.Message.Content)).Should().Equal(
            Enumerable.Range(0, 5).SelectMany(i => new[] { (ChatRole.User, $"q{i}"), (ChatRole.Assistant, $"a{i}") }));
    }

    [Fact]
    public async Task LoadPage_WhenTheHistoryFillsThePageExactly_HasNoNext()
    {
        var repository = await CreateRepositoryAsync();
        var id = await SeedAsync(repository, turns: 2);

        var page = await repository.LoadPageAsync(id, 4, null, Ct);

        page.Messages.Select(m => m.Message.Content).Should().Equal("q0", "a0", "q1", "a1");
        page.Next.Should().BeNull();
    }

    [Fact]
    public async Task LoadPage_OfAnUnknownSession_IsEmptyWithoutNext()
    {
        var repository = await CreateRepositoryAsync();

        var page = await repository.LoadPageAsync(SessionId.New(), 10, null, Ct);

        page.Messages.Should().BeEmpty();
        page.Next.Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("-1")]
    [InlineData("+4")]
    [InlineData("1e3")]
    [InlineData(" 4")]
    [InlineData("99999999999999999999")]
    public async Task LoadPage_WithACursorNoPageHandedOut_IsCursorInvalid(string cursor)
    {
        var repository = await CreateRepositoryAsync();
        var id = await SeedAsync(repository, turns: 1);

        var act = () => repository.LoadPageAsync(id, 10, cursor, Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.CursorInvalid);
    }

    [Fact]
    public async Task AppendTurn_WithARequestId_KeepsItOnTheUserMessage()
    {
        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        var key = "retry-" + Guid.NewGuid().ToString("N") + " ~!";
        await repository.AppendTurnAsync(id, Turn("plain", "answer"), Ct);
        await repository.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("keyed") with { RequestId = key }, ChatMessage.Assistant("keyed answer")), Ct);

        var loaded = await repository.LoadAsync(id, 2, Ct);
        var page = await repository.LoadPageAsync(id, 10, null, Ct);

        loaded.Select(m => m.RequestId).TakeLast(2).Should().Equal(key, null);
        page.Messages.Select(m => m.Message.RequestId).Should().Equal(null, null, key, null);
    }

    /// <summary>False for a store whose session cannot hold <see cref="PageCursor.MaxPageChars"/> characters (LangChain's 400 KB item).</summary>
    protected virtual bool HoldsMoreThanOnePageOfText => true;

    [Fact]
    public async Task LoadPage_OfLongMessages_StopsBeforeTheCharacterBudget_AndNextHoldsTheRest()
    {
        if (!HoldsMoreThanOnePageOfText)
        {
            return;
        }

        var repository = await CreateRepositoryAsync();
        var id = SessionId.New();
        var size = (PageCursor.MaxPageChars / 5) - 10; // five messages with their prefixes fit, six do not
        for (var i = 0; i < 4; i++)
        {
            await repository.AppendTurnAsync(id, Turn($"q{i}:" + new string('q', size), $"a{i}:" + new string('a', size)), Ct);
        }

        var first = await repository.LoadPageAsync(id, 1000, null, Ct);
        var second = await repository.LoadPageAsync(id, 1000, first.Next, Ct);

        first.Messages.Sum(m => (long)m.Message.Content.Length).Should().BeLessThanOrEqualTo(PageCursor.MaxPageChars);
        first.Messages.Select(m => m.Message.Content[..2]).Should().Equal("a1", "q2", "a2", "q3", "a3");
        second.Messages.Select(m => m.Message.Content[..2]).Should().Equal("q0", "a0", "q1");
        second.Next.Should().BeNull();
    }

    private static async Task<SessionId> SeedAsync(IConversationRepository repository, int turns)
    {
        var id = SessionId.New();
        for (var i = 0; i < turns; i++)
        {
            await repository.AppendTurnAsync(id, Turn($"q{i}", $"a{i}"), Ct);
        }

        return id;
    }
}
