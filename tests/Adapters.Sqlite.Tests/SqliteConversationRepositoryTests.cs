using ChatBedrock.Application;
using ChatBedrock.Domain;
using ChatBedrock.Testing;
using Microsoft.Data.Sqlite;

namespace ChatBedrock.Adapters.Sqlite.Tests;

public sealed class SqliteConversationRepositoryConformanceTests : ConversationRepositoryConformanceTests, IDisposable
{
    private readonly TemporaryFolder _folder = new();

    protected override Task<IConversationRepository> CreateRepositoryAsync() => Task.FromResult(_folder.Open(_folder.File()));

    public void Dispose() => _folder.Dispose();
}

public sealed class SqliteConversationRepositoryTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChatTurn Turn(string user, string assistant) => new(ChatMessage.User(user), ChatMessage.Assistant(assistant));

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task FirstUse_CreatesTheFolderAndTheFile()
    {
        var path = Path.Combine(_folder.Path, "a", "b", "history.db");
        var repository = _folder.Open(path);
        File.Exists(path).Should().BeFalse("nothing is created before first use");

        (await repository.LoadAsync(SessionId.New(), null, Ct)).Should().BeEmpty();

        File.Exists(path).Should().BeTrue();
    }

    [Fact]
    public async Task History_SurvivesReopeningTheFile()
    {
        var path = _folder.File();
        var id = SessionId.Parse("再開-テスト");
        var asked = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);
        await _folder.Open(path).AppendTurnAsync(id, new ChatTurn(ChatMessage.User("前の質問", asked), ChatMessage.Assistant("前の答え")), Ct);
        SqliteConnection.ClearAllPools();

        var messages = await _folder.Open(path).LoadAsync(id, null, Ct);

        messages.Should().Equal(ChatMessage.User("前の質問", asked), ChatMessage.Assistant("前の答え"));
    }

    [Fact]
    public async Task Database_IsInWriteAheadLogMode()
    {
        var path = _folder.File();
        await _folder.Open(path).AppendTurnAsync(SessionId.New(), Turn("q", "a"), Ct);

        using var connection = TemporaryFolder.Connect(path);
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        command.ExecuteScalar().Should().Be("wal");
    }

    [Fact]
    public async Task AppendTurn_FromTwoInstancesOnOneFileConcurrently_LosesNothingAndKeepsPairsAdjacent()
    {
        var path = _folder.File();
        // Separate pools too: each instance behaves as another process would, meeting the other only in the file's locks.
        var first = _folder.Open(path);
        var second = _folder.Open(path, o => o.BusyTimeout = TimeSpan.FromSeconds(31));
        var id = SessionId.New();

        await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            Task.Run(() => (i % 2 == 0 ? first : second).AppendTurnAsync(id, Turn($"q{i}", $"a{i}"), Ct), Ct)));

        var messages = await first.LoadAsync(id, null, Ct);
        messages.Should().HaveCount(80);
        for (var i = 0; i < messages.Count; i += 2)
        {
            messages[i].Role.Should().Be(ChatRole.User);
            messages[i + 1].Content.Should().Be("a" + messages[i].Content[1..]);
        }

        messages.Where(m => m.Role == ChatRole.User).Select(m => m.Content)
            .Should().BeEquivalentTo(Enumerable.Range(0, 40).Select(i => $"q{i}"));
    }

    [Fact]
    public async Task AppendTurn_WhileAnotherConnectionHoldsTheWriteLock_WaitsAndThenStores()
    {
        var path = _folder.File();
        var repository = _folder.Open(path);
        var id = SessionId.New();
        await repository.LoadAsync(id, null, Ct);
        using var other = TemporaryFolder.Connect(path);
        var lockHolder = other.BeginTransaction(deferred: false);

        // Microsoft.Data.Sqlite waits for locks synchronously, so the waiting append gets a thread of its own.
        var append = Task.Run(() => repository.AppendTurnAsync(id, Turn("q", "a"), Ct), Ct);
        await Task.Delay(300, Ct);
        append.IsCompleted.Should().BeFalse("the other connection still holds the write lock");
        lockHolder.Commit();
        await append;

        (await repository.LoadAsync(id, null, Ct)).Should().HaveCount(2);
    }

    [Fact]
    public async Task AppendTurn_WhenTheWriteLockIsHeldPastTheBusyTimeout_ThrowsStoreUnavailableAndStoresNothing()
    {
        var path = _folder.File();
        var repository = _folder.Open(path, o => o.BusyTimeout = TimeSpan.FromSeconds(1));
        var id = SessionId.New();
        await repository.LoadAsync(id, null, Ct);
        using var other = TemporaryFolder.Connect(path);
        using (other.BeginTransaction(deferred: false))
        {
            var act = () => repository.AppendTurnAsync(id, Turn("q", "a"), Ct);

            (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.StoreUnavailable);
        }

        (await repository.LoadAsync(id, null, Ct)).Should().BeEmpty();
    }

    [Fact]
    public async Task Load_WhileAnotherConnectionHoldsTheWriteLock_ReadsWithoutWaiting()
    {
        var path = _folder.File();
        var repository = _folder.Open(path, o => o.BusyTimeout = TimeSpan.FromSeconds(1));
        var id = SessionId.New();
        await repository.AppendTurnAsync(id, Turn("q", "a"), Ct);
        using var other = TemporaryFolder.Connect(path);
        using var writing = other.BeginTransaction(deferred: false);
        using var command = other.CreateCommand();
        command.CommandText = "DELETE FROM messages;";
        command.ExecuteNonQuery();

        (await repository.LoadAsync(id, null, Ct)).Should().HaveCount(2, "WAL readers see the last committed state");
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 4)]
    [InlineData(0, 0)]
    public async Task Load_WithNewestLimit_ReturnsWholeTurnsOnly(int limit, int expected)
    {
        var repository = _folder.Open(_folder.File());
        var id = SessionId.New();
        for (var i = 0; i < 4; i++)
        {
            await repository.AppendTurnAsync(id, Turn($"q{i}", $"a{i}"), Ct);
        }

        var messages = await repository.LoadAsync(id, limit, Ct);

        messages.Should().HaveCount(expected);
        messages.Select(m => m.Role).Should().Equal(Enumerable.Repeat(new[] { ChatRole.User, ChatRole.Assistant }, expected / 2).SelectMany(r => r));
    }

    [Fact]
    public async Task Open_AFileWrittenBeforeRequestIds_AddsTheColumnAndKeepsItsHistory()
    {
        var path = _folder.File();
        Directory.CreateDirectory(_folder.Path);
        using (var connection = TemporaryFolder.Connect(path))
        using (var command = connection.CreateCommand())
        {
            // Schema 1 as its first release created it, with one turn.
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE messages (session_id TEXT NOT NULL, sequence INTEGER NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')), content TEXT NOT NULL,
                    created_at INTEGER, PRIMARY KEY (session_id, sequence));
                INSERT INTO messages VALUES ('old', 0, 'user', 'q', NULL), ('old', 1, 'assistant', 'a', NULL);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        var first = _folder.Open(path);
        var second = _folder.Open(path);
        await Task.WhenAll(first.LoadAsync(SessionId.New(), null, Ct), second.LoadAsync(SessionId.New(), null, Ct));
        await first.AppendTurnAsync(SessionId.Parse("old"), new ChatTurn(ChatMessage.User("q2") with { RequestId = "k" }, ChatMessage.Assistant("a2")), Ct);

        var page = await second.LoadPageAsync(SessionId.Parse("old"), 10, null, Ct);
        page.Messages.Select(m => (m.Message.Content, m.Message.RequestId)).Should().Equal(("q", null), ("a", null), ("q2", "k"), ("a2", null));
    }

    [Fact]
    public async Task Open_WhenTheFileHasANewerSchema_ThrowsStoreUnavailableNamingTheVersion()
    {
        var path = _folder.File();
        Directory.CreateDirectory(_folder.Path);
        using (var connection = TemporaryFolder.Connect(path))
        using (var command = connection.CreateCommand())
        {
            command.CommandText = $"PRAGMA user_version = {SqliteConversationRepository.SchemaVersion + 1};";
            command.ExecuteNonQuery();
        }

        var act = () => _folder.Open(path).LoadAsync(SessionId.New(), null, Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Should().Match<ChatException>(e =>
            e.Code == ChatErrorCode.StoreUnavailable && e.Message.Contains("schema version 2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Open_AFileWrittenBeforeTheInterruptedColumn_AddsItOnce_AndKeepsTheOldTurns()
    {
        var path = _folder.File();
        var id = SessionId.New();
        Directory.CreateDirectory(_folder.Path);
        using (var connection = TemporaryFolder.Connect(path))
        using (var command = connection.CreateCommand())
        {
            // Schema version 1 as the first release wrote it.
            command.CommandText = """
                PRAGMA journal_mode = WAL;
                CREATE TABLE messages (session_id TEXT NOT NULL, sequence INTEGER NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')), content TEXT NOT NULL, created_at INTEGER,
                    PRIMARY KEY (session_id, sequence));
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
            command.CommandText = "INSERT INTO messages VALUES ($id, 0, 'user', 'old q', NULL), ($id, 1, 'assistant', 'old a', NULL);";
            command.Parameters.AddWithValue("$id", id.Value);
            command.ExecuteNonQuery();
        }

        SqliteConnection.ClearAllPools();
        await _folder.Open(path).AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q"), ChatMessage.Assistant("cut") with { Interrupted = true }), Ct);
        SqliteConnection.ClearAllPools();
        var messages = await _folder.Open(path).LoadAsync(id, null, Ct);

        messages.Select(m => (m.Content, m.Interrupted)).Should().Equal(("old q", false), ("old a", false), ("q", false), ("cut", true));
    }

    [Fact]
    public async Task Open_WhenTheFolderCannotBeCreated_ThrowsStoreUnavailable()
    {
        Directory.CreateDirectory(_folder.Path);
        var blocker = _folder.File("not-a-folder");
        await File.WriteAllTextAsync(blocker, "x", Ct);

        var act = () => _folder.Open(Path.Combine(blocker, "history.db")).AppendTurnAsync(SessionId.New(), Turn("q", "a"), Ct);

        (await act.Should().ThrowAsync<ChatException>()).Which.Code.Should().Be(ChatErrorCode.StoreUnavailable);
    }

    [Fact]
    public async Task Open_WhenTheFileIsNotADatabase_ThrowsStoreUnavailableWithoutThePath()
    {
        var path = _folder.File();
        Directory.CreateDirectory(_folder.Path);
        await File.WriteAllTextAsync(path, new string('x', 4096), Ct);

        var act = () => _folder.Open(path).LoadAsync(SessionId.New(), null, Ct);

        var thrown = (await act.Should().ThrowAsync<ChatException>()).Which;
        thrown.Code.Should().Be(ChatErrorCode.StoreUnavailable);
        thrown.Message.Should().NotContain(_folder.Path);
    }
}
