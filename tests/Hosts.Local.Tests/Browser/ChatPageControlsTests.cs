using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>The page's controls beyond sending: the phone drawer, copying code, the browser's Back button.</summary>
[Collection(InChromium.Name)]
public sealed class ChatPageControlsTests(ChatPageFixture fixture)
{
    [Fact]
    public async Task PhoneDrawer_OpensFromTheMenu_ClosesWithEscape_AndOpensAChat()
    {
        await using var chat = await fixture.OpenAsync(phone: true);
        await chat.SendAsync("kept in the drawer");
        await chat.Page.Locator("#new-chat").ClickAsync();
        var toggle = chat.Page.Locator("#menu-toggle");

        await toggle.ClickAsync();
        await Expect(chat.Page.Locator("body")).ToHaveClassAsync("drawer-open");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await chat.Page.Keyboard.PressAsync("Escape");
        await Expect(chat.Page.Locator("body")).Not.ToHaveClassAsync("drawer-open");
        await Expect(toggle).ToBeFocusedAsync();

        await toggle.ClickAsync();
        await chat.Session("kept in the drawer").Locator(".session-open").ClickAsync();

        await Expect(chat.Page.Locator("body")).Not.ToHaveClassAsync("drawer-open");
        await Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Expect(chat.UserMessages).ToHaveTextAsync(["kept in the drawer"]);
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task CopyCode_PutsTheBlocksCodeOnTheClipboard()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        fixture.Model.Answer("```python\nprint(\"hi\")\n```");
        await chat.SendAsync("some code");

        await chat.Page.Locator(".copy-code").ClickAsync();

        await Expect(chat.Page.Locator(".copy-code")).ToHaveTextAsync("Copied");
        (await chat.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).Should().Be("print(\"hi\")");
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Back_AfterNewChat_ReopensThePreviousChat()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("before the new chat");
        var first = chat.SessionId;
        await chat.Page.Locator("#new-chat").ClickAsync();
        await Expect(chat.Page.Locator("#messages .message")).ToHaveCountAsync(0);

        await chat.Page.GoBackAsync(new() { WaitUntil = WaitUntilState.Commit });

        await Expect(chat.UserMessages).ToHaveTextAsync(["before the new chat"]);
        chat.SessionId.Should().Be(first);
        await Expect(chat.Session("before the new chat").Locator(".session-open")).ToHaveAttributeAsync("aria-current", "page");
        chat.Errors.Should().BeEmpty();
    }
}
