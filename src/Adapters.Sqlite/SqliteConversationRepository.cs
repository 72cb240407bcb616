// Over 250 lines: every statement of the store, with its transaction and its one migration step, in one place (ADR 0040).
using System.Globalization;
using ChatBedrock.Application;
using ChatBedrock.Domain;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.Sqlite;

/// <summary>
/// Conversation history in one SQLite file, in WAL mode so reads never wait for writes. Each turn is one
/// <c>BEGIN IMMEDIATE</c> transaction: it takes the write lock before reading the session's last sequence, so
/// concurrent writers, in this process or another, queue on SQLite's busy timeout instead of failing or
/// interleaving. Writers of this instance also queue on a semaphore first, asynchronously, so a burst of
/// requests does not block thread-pool threads inside SQLite's busy wait. See ADR 0040.
/// </summary>
internal sealed partial class SqliteConversationRepository : IConversationRepository, IDisposable
{
    public string Name => "sqlite";

    /// <summary>The schema this code writes; a file with a newer one is refused rather than misread.</summary>
    internal const int SchemaVersion = 1;

    private const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS messages (
            session_id TEXT NOT NULL,
            sequence INTEGER NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('user', 'assistant', 'system')),
            content TEXT NOT NULL,
            created_at INTEGER,
            PRIMARY KEY (session_id, sequence)
        );
        """;

    // The primary key's index serves the newest-N read: a backward range scan of one session, then re-ordered.
    private const string SelectNewest = """
        SELECT role, content, created_at, interrupted, request_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, model_id FROM (
            SELECT sequence, role, content, created_at, interrupted, request_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, model_id FROM messages
            WHERE session_id = $session ORDER BY sequence DESC LIMIT $limit
        ) ORDER BY sequence;
        """;

    // Keyset paging on the primary key: a backward range scan from the cursor, one row more than the page to
    // learn whether older rows exist; never an OFFSET, so a deep page costs what the first does.
    private const string SelectPage = """
        SELECT sequence, role, content, created_at, request_id, interrupted, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, model_id FROM messages
        WHERE session_id = $session AND sequence < $before ORDER BY sequence DESC LIMIT $limit;
        """;

    // Added after schema 1 shipped: a nullable column older code ignores, so the version stays 1.
    private const string AddRequestIdColumn = "ALTER TABLE messages ADD COLUMN request_id TEXT;";

    // Both messages in one statement; the next sequence is read under the write lock BEGIN IMMEDIATE took.
    private const string InsertTurn = """
        WITH next (sequence) AS (SELECT COALESCE(MAX(sequence) + 1, 0) FROM messages WHERE session_id = $session)
        INSERT INTO messages (session_id, sequence, role, content, created_at, interrupted, request_id, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, model_id)
        SELECT $session, sequence, $userRole, $userContent, $userTime, $userInterrupted, $userRequestId, $userInput, $userOutput, $userCacheRead, $userCacheWrite, $userModel FROM next
        UNION ALL
        SELECT $session, sequence + 1, $assistantRole, $assistantContent, $assistantTime, $assistantInterrupted, $assistantRequestId, $assistantInput, $assistantOutput, $assistantCacheRead, $assistantCacheWrite, $assistantModel FROM next;
        """;

    // Added after schema version 1 as a nullable column (NULL: a whole answer), so files written before it and
    // the versions that wrote them go on working; no version bump is needed for an additive column.
    private const string AddInterrupted = "ALTER TABLE messages ADD COLUMN interrupted INTEGER;";

    private const string SelectLastTurn = """
        SELECT sequence, role, content FROM messages WHERE session_id = $session ORDER BY sequence DESC LIMIT 2;
        """;

    private const string UpdateMessage = """
        UPDATE messages SET content = $content, created_at = $time, interrupted = $interrupted,
            input_tokens = $Input, output_tokens = $Output, cache_read_tokens = $CacheRead, cache_write_tokens = $CacheWrite, model_id = $Model
        WHERE session_id = $session AND sequence = $sequence;
        """;

    private readonly string _connectionString;
    private readonly string _databasePath;
    private readonly int _busyTimeoutMilliseconds;
    private readonly ILogger<SqliteConversationRepository> _logger;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile bool _created;

    public SqliteConversationRepository(IOptions<SqliteStoreOptions> options, ILogger<SqliteConversationRepository> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Value;
        _databasePath = Path.GetFullPath(settings.DatabasePath);
        _busyTimeoutMilliseconds = (int)settings.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _databasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite's own retry on SQLITE_BUSY (whole seconds) ends right after SQLite's busy handler gives up.
            DefaultTimeout = (int)Math.Ceiling(settings.BusyTimeout.TotalSeconds),
        }.ToString();
        _logger = logger;
    }

    public async Task<IReadOnlyList<ChatMessage>> LoadAsync(SessionId sessionId, int? newestLimit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(newestLimit ?? 0, nameof(newestLimit));
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                command.CommandText = SelectNewest;
                command.Parameters.AddWithValue("$session", sessionId.Value);
                // Every write is a whole turn of two messages, so an even count of the newest keeps turns whole. -1: no limit.
                command.Parameters.AddWithValue("$limit", newestLimit is { } limit ? limit + (limit & 1) : -1);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var messages = new List<ChatMessage>();
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        messages.Add(new ChatMessage(
                            ParseRole(reader.GetString(0)),
                            reader.GetString(1),
                            reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
                        {
                            Interrupted = !reader.IsDBNull(3) && reader.GetInt64(3) != 0,
                            RequestId = reader.IsDBNull(4) ? null : reader.GetString(4),
                            Usage = ReadUsage(reader, 5),
                        });
                    }

                    return messages;
                }
            }
        }
        catch (SqliteException e)
        {
            throw Unavailable("read the history", e);
        }
    }

    public async Task<ConversationPage> LoadPageAsync(SessionId sessionId, int limit, string? cursor, CancellationToken cancellationToken)
    {
        PageCursor.ValidateLimit(limit);
        var before = PageCursor.Parse(cursor) ?? long.MaxValue;
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                command.CommandText = SelectPage;
                command.Parameters.AddWithValue("$session", sessionId.Value);
                command.Parameters.AddWithValue("$before", before);
                command.Parameters.AddWithValue("$limit", limit + 1);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    // Rows stream from the reader: the page's character budget stops reading, not only keeping.
                    var page = new PageBuilder(limit);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        var message = new ChatMessage(
                            ParseRole(reader.GetString(1)),
                            reader.GetString(2),
                            reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)))
                        {
                            RequestId = reader.IsDBNull(4) ? null : reader.GetString(4),
                            Interrupted = !reader.IsDBNull(5) && reader.GetInt64(5) != 0,
                            Usage = ReadUsage(reader, 6),
                        };
                        if (!page.TryAdd(message, PageCursor.Format(reader.GetInt64(0))))
                        {
                            return page.Build(more: true);
                        }
                    }

                    return page.Build(more: false);
                }
            }
        }
        catch (SqliteException e)
        {
            throw Unavailable("read the history", e);
        }
    }

    public async Task AppendTurnAsync(SessionId sessionId, ChatTurn turn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        await WriteAsync("store the turn", async (connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = InsertTurn;
            command.Parameters.AddWithValue("$session", sessionId.Value);
            AddMessage(command, "$user", turn.User);
            AddMessage(command, "$assistant", turn.Assistant);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> ReplaceLastTurnAsync(SessionId sessionId, ChatTurn expectedLast, ChatTurn replacement, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(expectedLast);
        ArgumentNullException.ThrowIfNull(replacement);
        var replaced = false;
        // Read and update in one BEGIN IMMEDIATE transaction: no append can come between the check and the write.
        await WriteAsync("replace the last turn", async (connection, transaction) =>
        {
            var last = new List<(long Sequence, string Role, string Content)>(2);
            using (var read = connection.CreateCommand())
            {
                read.Transaction = transaction;
                read.CommandText = SelectLastTurn;
                read.Parameters.AddWithValue("$session", sessionId.Value);
                var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        last.Add((reader.GetInt64(0), reader.GetString(1), reader.GetString(2)));
                    }
                }
            }

            if (last.Count < 2 || last[1].Role != "user" || last[0].Role != "assistant"
                || last[1].Content != expectedLast.User.Content || last[0].Content != expectedLast.Assistant.Content)
            {
                return;
            }

            await UpdateAsync(last[1].Sequence, replacement.User).ConfigureAwait(false);
            await UpdateAsync(last[0].Sequence, replacement.Assistant).ConfigureAwait(false);
            replaced = true;

            async Task UpdateAsync(long sequence, ChatMessage message)
            {
                using var update = connection.CreateCommand();
                update.Transaction = transaction;
                update.CommandText = UpdateMessage;
                update.Parameters.AddWithValue("$session", sessionId.Value);
                update.Parameters.AddWithValue("$sequence", sequence);
                update.Parameters.AddWithValue("$content", message.Content);
                update.Parameters.AddWithValue("$time", message.Timestamp is { } time ? time.ToUnixTimeMilliseconds() : DBNull.Value);
                update.Parameters.AddWithValue("$interrupted", message.Interrupted ? 1 : DBNull.Value);
                AddUsage(update, "$", message.Usage);
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        return replaced;
    }

    public async Task DeleteAsync(SessionId sessionId, CancellationToken cancellationToken)
    {
        await WriteAsync("delete the session", async (connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "DELETE FROM messages WHERE session_id = $session; DELETE FROM summaries WHERE session_id = $session;";
            command.Parameters.AddWithValue("$session", sessionId.Value);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        // Pooled connections keep the file (and its -wal, -shm) open; closing them lets WAL checkpoint and files be moved.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        _writeGate.Dispose();
    }

    private async Task WriteAsync(string action, Func<SqliteConnection, SqliteTransaction, Task> write, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                // Not deferred: BEGIN IMMEDIATE takes the write lock now, waiting on the busy timeout. A deferred
                // transaction that read first could fail with SQLITE_BUSY on upgrade, with no wait at all.
                using var transaction = connection.BeginTransaction(deferred: false);
                await write(connection, transaction).ConfigureAwait(false);
                transaction.Commit();
            }
        }
        catch (SqliteException e)
        {
            throw Unavailable(action, e);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            using var command = connection.CreateCommand();
            // Per connection, not per file; SQLite's handler sleeps in short steps, finer than the provider's retry.
            command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {_busyTimeoutMilliseconds};");
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Creates the folder, the file and the schema once per instance; a failure is retried on the next call.</summary>
    private async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_created)
            {
                return;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(_databasePath)!);
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                await CreateSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            _created = true;
            LogOpened(_databasePath, SchemaVersion);
        }
        catch (SqliteException e)
        {
            throw Unavailable("open the database", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogFailed("create the database folder", _databasePath, e);
            throw new ChatException(ChatErrorCode.StoreUnavailable, "The SQLite store could not create the database folder.", e);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private static async Task CreateSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        using var command = connection.CreateCommand();
        // WAL is a property of the file: set once, kept by every later connection and process.
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new ChatException(ChatErrorCode.StoreUnavailable,
                $"The SQLite store needs write-ahead logging, which this file system does not support (journal mode '{mode}').");
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        var version = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        if (version > SchemaVersion)
        {
            throw new ChatException(ChatErrorCode.StoreUnavailable,
                $"The SQLite history database has schema version {version}, newer than this ChatBedrock understands ({SchemaVersion}).");
        }

        command.CommandText = CreateSchema + string.Create(CultureInfo.InvariantCulture, $"PRAGMA user_version = {SchemaVersion};");
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        await AddColumnOnceAsync(command, "interrupted", AddInterrupted, cancellationToken).ConfigureAwait(false);
        await AddColumnOnceAsync(command, "request_id", AddRequestIdColumn, cancellationToken).ConfigureAwait(false);
        await MigrateUsageAsync(command, cancellationToken).ConfigureAwait(false);
        transaction.Commit();
    }

    /// <summary>An idempotent migration step: adds a column unless the table has it (SQLite has no ADD COLUMN IF NOT EXISTS).</summary>
    private static async Task AddColumnOnceAsync(SqliteCommand command, string column, string alter, CancellationToken cancellationToken)
    {
        command.CommandText = "SELECT COUNT(*) FROM pragma_table_info('messages') WHERE name = $column;";
        command.Parameters.Clear();
        command.Parameters.AddWithValue("$column", column);
        var present = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture) > 0;
        command.Parameters.Clear();
        if (!present)
        {
            command.CommandText = alter;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void AddMessage(SqliteCommand command, string prefix, ChatMessage message)
    {
        command.Parameters.AddWithValue(prefix + "Role", ChatRoles.Name(message.Role));
        command.Parameters.AddWithValue(prefix + "Content", message.Content);
        command.Parameters.AddWithValue(prefix + "Time", message.Timestamp is { } time ? time.ToUnixTimeMilliseconds() : DBNull.Value);
        command.Parameters.AddWithValue(prefix + "Interrupted", message.Interrupted ? 1 : DBNull.Value);
        command.Parameters.AddWithValue(prefix + "RequestId", message.RequestId is { } requestId ? requestId : DBNull.Value);
        AddUsage(command, prefix, message.Usage);
    }

    // The table's CHECK constraint admits only the three names.
    private static ChatRole ParseRole(string name) => ChatRoles.TryParse(name, out var role) ? role : ChatRole.System;

    private ChatException Unavailable(string action, SqliteException e)
    {
        LogFailed(action, _databasePath, e);
        // SQLite's own message names the condition ("database is locked", "disk I/O error"), never the path.
        return new ChatException(ChatErrorCode.StoreUnavailable, $"The SQLite store could not {action}: {e.Message}", e);
    }

    [LoggerMessage(1, LogLevel.Information, "SQLite store ready at {DatabasePath} (schema version {SchemaVersion})")]
    private partial void LogOpened(string databasePath, int schemaVersion);

    [LoggerMessage(2, LogLevel.Warning, "SQLite store could not {Action} at {DatabasePath}")]
    private partial void LogFailed(string action, string databasePath, Exception exception);
}
