using System.Text.RegularExpressions;

namespace ChatBedrock.Architecture.Tests;

/// <summary>docs/decisions/README.md lists every decision record, and links only records that exist.</summary>
public sealed partial class DecisionIndexTests
{
    private static readonly string Decisions = Path.Combine(Repository.Root, "docs", "decisions");

    [Fact]
    public void Index_ListsEveryDecisionRecord_AndLinksNoMissingOne()
    {
        var records = Directory.GetFiles(Decisions, "*.md").Select(Path.GetFileName).OfType<string>()
            .Where(name => char.IsAsciiDigit(name[0])).ToArray();
        var linked = Link().Matches(File.ReadAllText(Path.Combine(Decisions, "README.md"))).Select(m => m.Groups[1].Value).ToArray();

        linked.Should().BeEquivalentTo(records, "every ADR appears once in docs/decisions/README.md, and no row links a missing file");
    }

    [GeneratedRegex(@"\]\(([0-9]{4}-[^)]+\.md)\)")]
    private static partial Regex Link();
}
