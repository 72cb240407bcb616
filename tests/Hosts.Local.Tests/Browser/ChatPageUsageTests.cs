using static Microsoft.Playwright.Assertions;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>The open chat's usage line (usage.js): tokens so far and, with the fixture's price table, an estimated cost.</summary>
[Collection(InChromium.Name)]
public sealed class ChatPageUsageTests(ChatPageFixture fixture)
{
    [Fact]
    public async Task UsageLine_AfterEachTurn_ShowsTheChatsTokensAndCost_AndFollowsTheOpenChat()
    {
        await using var chat = await fixture.OpenAsync();
        var line = chat.Page.Locator("#usage");
        await Expect(line).ToBeHiddenAsync();

        await chat.SendAsync("how much does this cost?");

        await Expect(line).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^This chat: \d+ tokens \(\d+ in, \d+ out\) · estimated cost 0\.\d+$"));
        var first = await line.TextContentAsync();
        await chat.SendAsync("and now?");
        await Expect(line).Not.ToHaveTextAsync(first!);

        await chat.Page.Locator("#new-chat").ClickAsync();
        await Expect(line).ToBeHiddenAsync();
        await chat.Session("how much does this cost?").Locator(".session-open").ClickAsync();
        await Expect(line).ToContainTextAsync("estimated cost");
        chat.Errors.Should().BeEmpty();
    }
}
