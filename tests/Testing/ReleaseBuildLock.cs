namespace ChatBedrock.Testing;

/// <summary>
/// Test assemblies run in parallel, and two of them build src in Release (the Lambda bootstrap's publish, the
/// consumer tests' pack) into the same obj/Release folders: they take turns through this lock, a file held
/// open exclusively (an advisory lock other processes see), under artifacts/.
/// </summary>
public static class ReleaseBuildLock
{
    /// <summary>Waits, bounded by <paramref name="timeout"/>, until this process holds the lock; dispose to release it.</summary>
    public static async Task<IDisposable> AcquireAsync(string repositoryRoot, TimeSpan timeout)
    {
        var path = Path.Combine(repositoryRoot, "artifacts", "release-build.lock");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250)).ConfigureAwait(false);
            }
        }
    }
}
