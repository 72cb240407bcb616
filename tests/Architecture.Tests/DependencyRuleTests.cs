using System.Xml.Linq;

namespace ChatBedrock.Architecture.Tests;

/// <summary>The dependency rule, read from the project files themselves so a new reference cannot slip in unseen.</summary>
public sealed class DependencyRuleTests
{
    private static readonly string Src = Path.Combine(RepositoryRoot(), "src");

    public static TheoryData<string> Adapters() =>
        [.. Directory.GetDirectories(Src, "Adapters.*").Select(Path.GetFileName).OfType<string>()];

    [Fact]
    public void Domain_ReferencesNothing()
    {
        var project = Project("Domain");

        project.ProjectReferences.Should().BeEmpty();
        project.PackageReferences.Should().BeEmpty();
    }

    [Fact]
    public void Application_ReferencesOnlyDomainAndExtensionsAbstractions()
    {
        var project = Project("Application");

        project.ProjectReferences.Should().Equal("Domain");
        project.PackageReferences.Should().OnlyContain(p =>
            p == "Microsoft.Extensions.Options"
            || (p.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal) && p.EndsWith(".Abstractions", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(Adapters))]
    public void Adapter_ReferencesApplicationAndNoOtherAdapter(string adapter)
    {
        var project = Project(adapter);

        project.ProjectReferences.Should().Contain("Application");
        project.ProjectReferences.Should().OnlyContain(p => p == "Application" || p == "Domain");
    }

    [Fact]
    public void Http_ReferencesNoAdapterOrHost()
    {
        Project("Http").ProjectReferences.Should().OnlyContain(p => p == "Application" || p == "Domain");
    }

    private static (string[] ProjectReferences, string[] PackageReferences) Project(string folder)
    {
        var document = XDocument.Load(Path.Combine(Src, folder, folder + ".csproj"));
        string[] Includes(string item) => [.. document.Descendants(item).Select(e => (string?)e.Attribute("Include")).OfType<string>()];
        return (
            [.. Includes("ProjectReference").Select(p => Path.GetFileNameWithoutExtension(p.Replace('\\', '/')))],
            Includes("PackageReference"));
    }

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "ChatBedrock.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("ChatBedrock.sln not found above " + AppContext.BaseDirectory);
    }
}
