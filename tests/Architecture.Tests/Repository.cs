namespace ChatBedrock.Architecture.Tests;

/// <summary>Where the repository's files are, found from the test's output folder.</summary>
internal static class Repository
{
    public static readonly string Root = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ChatBedrock.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ChatBedrock.sln not found above " + AppContext.BaseDirectory);
    }
}
