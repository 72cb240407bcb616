using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.Sqlite.Tests;

/// <summary>Files written before usage and summaries were kept.</summary>
public sealed class SqliteUsageMigrationTests : IDisposable
{
    private readonly TemporaryFolder _folder = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Open_AFileWithoutUsageColumns_AddsThemOnceAndKeepsItsHistory()
    {
        var path = _folder.File();
        Directory.CreateDirectory(_folder.Path);
        using (var connection = TemporaryFolder.Connect(path))
        using (var command = connection.CreateCommand())
        {
            // The schema as version 1 first wrote it, with one turn.
            command.CommandText = """
                CREATE TABLE messages (
                    session_id TEXT NOT NULL, sequence INTEGER NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
                    content TEXT NOT NULL, created_at INTEGER, PRIMARY KEY (session_id, sequence));
                INSERT INTO messages VALUES ('old', 0, 'user', 'q', NULL), ('old', 1, 'assistant', 'a', NULL);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        var id = SessionId.Parse("old");
        var usage = new MessageUsage(10, 20, 30, 40, "model");
        var first = _folder.Open(path);
        await first.AppendTurnAsync(id, new ChatTurn(ChatMessage.User("q2"), ChatMessage.Assistant("a2") with { Usage = usage }), Ct);
        await first.SaveSummaryAsync(id, new ConversationSummary("s", 2), Ct);
        var second = _folder.Open(path); // the migration step runs again, finding nothing to do

        var messages = await second.LoadAsync(id, null, Ct);

        messages.Select(m => (m.Content, m.Usage)).Should().Equal(("q", null), ("a", null), ("q2", null), ("a2", usage));
        (await second.LoadSummaryAsync(id, Ct))!.Text.Should().Be("s");
    }

    public void Dispose() => _folder.Dispose();
}
