using System.Xml.Linq;
using ChatBedrock.Testing;

namespace ChatBedrock.Samples.Tests;

/// <summary>The README shows the samples as they are, so following it is following code that is built and run.</summary>
public sealed class ReadmeTests
{
    [Theory]
    [InlineData("samples/Console/Console.csproj")]
    [InlineData("samples/Console/Program.cs")]
    [InlineData("samples/AspNetCore/Program.cs")]
    public void Readme_ContainsTheSampleFile_Verbatim(string file)
    {
        var text = File.ReadAllText(Path.Combine(Dotnet.RepositoryRoot, file)).Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();

        ReadmeSnippets.Readme().Should().Contain(text);
    }

    [Theory]
    [InlineData("samples/Console/Console.csproj")]
    [InlineData("samples/AspNetCore/AspNetCore.csproj")]
    public void Samples_ReferenceChatBedrock_AtTheRepositoryVersion(string file)
    {
        var versions = XDocument.Load(Path.Combine(Dotnet.RepositoryRoot, file)).Descendants("PackageReference")
            .Where(p => ((string?)p.Attribute("Include"))!.StartsWith("ChatBedrock.", StringComparison.Ordinal))
            .Select(p => (string?)p.Attribute("Version"));

        versions.Should().NotBeEmpty().And.OnlyContain(v => v == LocalFeed.VersionPrefix, "Directory.Build.props' VersionPrefix is what a user installs");
    }
}
