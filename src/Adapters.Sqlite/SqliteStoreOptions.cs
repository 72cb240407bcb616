using Microsoft.Extensions.Options;

namespace ChatBedrock.Adapters.Sqlite;

/// <summary>Settings of the SQLite store.</summary>
public sealed class SqliteStoreOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Sqlite";

    /// <summary>
    /// The database file; it and its folder are created on first use. Default: <c>chatbedrock/history.db</c>
    /// under the user's local application data folder (<c>~/.local/share</c> on Linux, <c>%LOCALAPPDATA%</c> on Windows).
    /// </summary>
    public string DatabasePath { get; set; } = DefaultDatabasePath;

    /// <summary>
    /// How long a write waits while another connection or process holds the database's write lock before it
    /// fails with <c>StoreUnavailable</c> (1 second to 10 minutes). Default 30 seconds.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The default <see cref="DatabasePath"/>.</summary>
    public static string DefaultDatabasePath => Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "chatbedrock",
        "history.db");
}

internal sealed class SqliteHistoryOptionsValidator : IValidateOptions<SqliteStoreOptions>
{
    private static readonly TimeSpan MaxBusyTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, SqliteStoreOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            failures.Add($"{SqliteStoreOptions.SectionName}:{nameof(options.DatabasePath)} must name a database file (was empty).");
        }
        else if (!IsFilePath(options.DatabasePath))
        {
            failures.Add($"{SqliteStoreOptions.SectionName}:{nameof(options.DatabasePath)} must be a file path (was '{options.DatabasePath}').");
        }

        if (options.BusyTimeout < TimeSpan.FromSeconds(1) || options.BusyTimeout > MaxBusyTimeout)
        {
            failures.Add($"{SqliteStoreOptions.SectionName}:{nameof(options.BusyTimeout)} must be 00:00:01 to 00:10:00 (was {options.BusyTimeout}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    // ":memory:" and folder paths would silently lose the history; bad characters fail later with a worse message.
    private static bool IsFilePath(string path)
    {
        if (path.StartsWith(':') || path.IndexOfAny(Path.GetInvalidPathChars()) >= 0
            || Path.EndsInDirectorySeparator(path) || Directory.Exists(path))
        {
            return false;
        }

        try
        {
            return Path.GetFileName(Path.GetFullPath(path)).Length > 0;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            return false;
        }
    }
}
