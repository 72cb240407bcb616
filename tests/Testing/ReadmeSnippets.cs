namespace ChatBedrock.Testing;

/// <summary>
/// Keeps README examples and the tests that compile them from drifting: a test marks its example with
/// <c>// README: name</c> … <c>// README: end</c>, and the README must contain that code exactly (de-indented).
/// </summary>
public static class ReadmeSnippets
{
    /// <summary>The marked code of <paramref name="name"/> in a source file given relative to the repository root.</summary>
    public static string FromSource(string relativePath, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryRoot(), relativePath));
        var start = Array.FindIndex(lines, l => l.Trim() == $"// README: {name}");
        var end = Array.FindIndex(lines, start + 1, l => l.Trim() == "// README: end");
        if (start < 0 || end < 0)
        {
            throw new InvalidOperationException($"No README snippet '{name}' in {relativePath}.");
        }

        var body = lines[(start + 1)..end];
        var indent = body.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
        return string.Join('\n', body.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    /// <summary>The repository's README.md, with \n line ends.</summary>
    public static string Readme() => File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).Replace("\r\n", "\n", StringComparison.Ordinal);

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ChatBedrock.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ChatBedrock.sln not found above " + AppContext.BaseDirectory);
    }
}
