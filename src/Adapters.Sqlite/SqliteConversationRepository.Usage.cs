using ChatBedrock.Domain;
using Microsoft.Data.Sqlite;

namespace ChatBedrock.Adapters.Sqlite;

/// <summary>
/// Usage with the history and summary memory: nullable usage columns on <c>messages</c> (a row without them is
/// an answer of unknown usage) and a <c>summaries</c> table, one row per session. Both are added by an
/// idempotent step at start, so files written before keep working and older code still reads newer files
/// (it names the columns it reads); hence no schema version change.
/// </summary>
internal sealed partial class SqliteConversationRepository
{
    private static readonly string[] UsageColumns =
    [
        "input_tokens INTEGER", "output_tokens INTEGER", "cache_read_tokens INTEGER", "cache_write_tokens INTEGER", "model_id TEXT",
    ];

    private const string CreateSummaries = """
        CREATE TABLE IF NOT EXISTS summaries (
            session_id TEXT PRIMARY KEY NOT NULL,
            content TEXT NOT NULL,
            covered_messages INTEGER NOT NULL,
            updated_at INTEGER,
            input_tokens INTEGER,
            output_tokens INTEGER,
            cache_read_tokens INTEGER,
            cache_write_tokens INTEGER,
            model_id TEXT
        );
        """;

    private const string UpsertSummary = """
        INSERT INTO summaries (session_id, content, covered_messages, updated_at, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, model_id)
        VALUES ($session, $summaryContent, $covered, $summaryTime, $summaryInput, $summaryOutput, $summaryCacheRead, $summaryCacheWrite, $summaryModel)
        ON CONFLICT (session_id) DO UPDATE SET content = excluded.content, covered_messages = excluded.covered_messages,
            updated_at = excluded.updated_at, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
            cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens, model_id = excluded.model_id;
        """;

    public async Task<ConversationSummary?> LoadSummaryAsync(SessionId sessionId, CancellationToken cancellationToken)
    {
        await EnsureCreatedAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = connection.CreateCommand();
                command.CommandText = """
                    SELECT content, covered_messages, updated_at, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, model_id
                    FROM summaries WHERE session_id = $session;
                    """;
                command.Parameters.AddWithValue("$session", sessionId.Value);
                var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                        ? new ConversationSummary(
                            reader.GetString(0),
                            reader.GetInt32(1),
                            ReadUsage(reader, 3),
                            reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)))
                        : null;
                }
            }
        }
        catch (SqliteException e)
        {
            throw Unavailable("read the summary", e);
        }
    }

    public async Task SaveSummaryAsync(SessionId sessionId, ConversationSummary summary, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(summary);
        await WriteAsync("store the summary", async (connection, transaction) =>
        {
            using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = UpsertSummary;
            command.Parameters.AddWithValue("$session", sessionId.Value);
            command.Parameters.AddWithValue("$summaryContent", summary.Text);
            command.Parameters.AddWithValue("$covered", summary.CoveredMessages);
            command.Parameters.AddWithValue("$summaryTime", summary.UpdatedAt is { } time ? time.ToUnixTimeMilliseconds() : DBNull.Value);
            AddUsage(command, "$summary", summary.Usage);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Adds the usage columns to a file written before them, and the summaries table; does nothing the second time.</summary>
    private static async Task MigrateUsageAsync(SqliteCommand command, CancellationToken cancellationToken)
    {
        foreach (var column in UsageColumns)
        {
            await AddColumnOnceAsync(command, column[..column.IndexOf(' ', StringComparison.Ordinal)], $"ALTER TABLE messages ADD COLUMN {column};", cancellationToken).ConfigureAwait(false);
        }

        command.CommandText = CreateSummaries;
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void AddUsage(SqliteCommand command, string prefix, MessageUsage? usage)
    {
        command.Parameters.AddWithValue(prefix + "Input", usage is null ? DBNull.Value : usage.InputTokens);
        command.Parameters.AddWithValue(prefix + "Output", usage is null ? DBNull.Value : usage.OutputTokens);
        command.Parameters.AddWithValue(prefix + "CacheRead", usage is null ? DBNull.Value : usage.CacheReadTokens);
        command.Parameters.AddWithValue(prefix + "CacheWrite", usage is null ? DBNull.Value : usage.CacheWriteTokens);
        command.Parameters.AddWithValue(prefix + "Model", (object?)usage?.ModelId ?? DBNull.Value);
    }

    // Five columns from `first`: the token counts, then the model id; no input count means no usage was stored.
    private static MessageUsage? ReadUsage(SqliteDataReader reader, int first) => reader.IsDBNull(first)
        ? null
        : new MessageUsage(
            reader.GetInt32(first),
            reader.IsDBNull(first + 1) ? 0 : reader.GetInt32(first + 1),
            reader.IsDBNull(first + 2) ? 0 : reader.GetInt32(first + 2),
            reader.IsDBNull(first + 3) ? 0 : reader.GetInt32(first + 3),
            reader.IsDBNull(first + 4) ? null : reader.GetString(first + 4));
}
