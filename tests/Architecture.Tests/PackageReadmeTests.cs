using System.Text.RegularExpressions;

namespace ChatBedrock.Architecture.Tests;

/// <summary>
/// Each library's README is its package's page. Packing makes its relative links absolute (repository URL +
/// path, Directory.Build.props), so a relative link must name a file that exists in the repository.
/// </summary>
public sealed partial class PackageReadmeTests
{
    private static readonly string Src = Path.Combine(Repository.Root, "src");

    public static TheoryData<string> Libraries() =>
        [.. Directory.GetDirectories(Src).Where(d => File.Exists(Path.Combine(d, "README.md"))).Select(Path.GetFileName).OfType<string>()];

    [Theory]
    [MemberData(nameof(Libraries))]
    public void ReadmeRelativeLinks_NameFilesOfTheRepository(string library)
    {
        var folder = Path.Combine(Src, library);
        var broken = Link().Matches(File.ReadAllText(Path.Combine(folder, "README.md")))
            .Select(m => m.Groups[1].Value)
            .Where(target => !target.StartsWith("http", StringComparison.Ordinal) && !target.StartsWith('#'))
            .Where(target =>
            {
                var path = Path.GetFullPath(Path.Combine(folder, target.Split('#')[0]));
                return !path.StartsWith(Repository.Root, StringComparison.Ordinal) || !(File.Exists(path) || Directory.Exists(path));
            })
            .ToList();

        broken.Should().BeEmpty("a package README's relative link becomes <repository>/blob/main/<path>");
    }

    [Fact]
    public void EveryPackableLibrary_HasAReadme()
    {
        var packable = Directory.GetFiles(Src, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !File.ReadAllText(p).Contains("<IsPackable>false</IsPackable>", StringComparison.Ordinal))
            .Select(p => Path.GetFileName(Path.GetDirectoryName(p)!));

        packable.Should().OnlyContain(name => File.Exists(Path.Combine(Src, name, "README.md")));
    }

    [GeneratedRegex(@"\]\(([^)\s]+)\)")]
    private static partial Regex Link();
}
