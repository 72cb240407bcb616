using System.Xml.Linq;

namespace ChatBedrock.Architecture.Tests;

/// <summary>The dependency rule, read from the project files themselves so a new reference cannot slip in unseen.</summary>
public sealed class DependencyRuleTests
{
    private static readonly string Src = Path.Combine(Repository.Root, "src");

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

    [Fact]
    public void HttpAspNetCore_ReferencesOnlyHttpAndTheAspNetCoreFramework()
    {
        // The ASP.NET Core adapter of the HTTP surface: HttpContext in, ChatHttpRequest / IChatHttpResponse out.
        var project = Project("Http.AspNetCore");

        project.ProjectReferences.Should().Equal("Http");
        project.PackageReferences.Should().BeEmpty();
    }

    private static (string[] ProjectReferences, string[] PackageReferences) Project(string folder)
    {
        var document = XDocument.Load(Path.Combine(Src, folder, folder + ".csproj"));
        string[] Includes(string item) => [.. document.Descendants(item).Select(e => (string?)e.Attribute("Include")).OfType<string>()];
        return (
            [.. Includes("ProjectReference").Select(p => Path.GetFileNameWithoutExtension(p.Replace('\\', '/')))],
            Includes("PackageReference"));
    }
}
