using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>axe-core finds no serious or critical fault in any state of the page, and the whole chat works from the keyboard.</summary>
[Collection(InChromium.Name)]
public sealed class AccessibilityTests(ChatPageFixture fixture)
{
    private const string Answer = "Here:\n\n- a list\n- of **two**\n\n```python\ndef greet(name):\n    return f\"hi {name}\"  # 1\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |";

    [Fact]
    public async Task EmptyPage_HasNoSeriousViolations()
    {
        await using var chat = await fixture.OpenAsync();
        await Expect(chat.Page.Locator("#status")).ToBeVisibleAsync();

        await ShouldHaveNoSeriousViolationsAsync(chat.Page);
    }

    [Fact]
    public async Task Conversation_HasNoSeriousViolations()
    {
        await using var chat = await ConversationAsync(phone: false);

        await ShouldHaveNoSeriousViolationsAsync(chat.Page);
    }

    [Fact]
    public async Task PhoneLayout_WithTheDrawerOpen_HasNoSeriousViolations()
    {
        await using var chat = await ConversationAsync(phone: true);
        await ShouldHaveNoSeriousViolationsAsync(chat.Page);

        await chat.Page.Locator("#menu-toggle").ClickAsync();

        await ShouldHaveNoSeriousViolationsAsync(chat.Page);
    }

    [Fact]
    public async Task DarkMode_HasNoSeriousViolations()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.Page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await ShouldHaveNoSeriousViolationsAsync(chat.Page);
        fixture.Model.Answer(Answer);
        await chat.SendAsync("show me everything");
        await chat.Page.Locator("#session-filter").FillAsync("show");

        await ShouldHaveNoSeriousViolationsAsync(chat.Page);
    }

    [Fact]
    public async Task WholeChat_WorksFromTheKeyboard()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.Page.Clock.InstallAsync();
        var page = chat.Page;
        await page.Locator("body").FocusAsync();

        // Send: Tab to the message box, type, Enter.
        await chat.TabToAsync(chat.Input);
        await page.Keyboard.TypeAsync("typed, not clicked");
        await page.Keyboard.PressAsync("Enter");
        await chat.WaitUntilIdleAsync();
        await Expect(chat.Answers).ToHaveTextAsync(["echo: typed, not clicked"]);
        var first = chat.SessionId;

        // A new chat, then back to the first one from the list.
        await chat.TabToAsync(page.Locator("#new-chat"), backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#messages .message")).ToHaveCountAsync(0);
        await chat.TabToAsync(chat.Session("typed, not clicked").Locator(".session-open"));
        await page.Keyboard.PressAsync("Enter");
        await Expect(chat.UserMessages).ToHaveTextAsync(["typed, not clicked"]);
        chat.SessionId.Should().Be(first);
        await Expect(chat.Input).ToBeFocusedAsync();

        // Delete: the keyboard lands on Undo, which brings the chat back; deleting again and waiting deletes it.
        await chat.TabToAsync(chat.Session("typed, not clicked").Locator(".session-delete"), backwards: true);
        await page.Keyboard.PressAsync("Enter");
        await Expect(page.Locator("#undo-delete")).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(chat.Sessions).ToHaveCountAsync(1);
        await chat.TabToAsync(chat.Session("typed, not clicked").Locator(".session-delete"), backwards: true);
        await page.Keyboard.PressAsync("Space");
        await Expect(chat.Sessions).ToHaveCountAsync(0);
        await page.Clock.RunForAsync(ChatPage.UndoMilliseconds + 500);
        await chat.WaitUntilForgottenAsync(first!);
        await Expect(chat.Input).ToBeFocusedAsync();
        chat.Errors.Should().BeEmpty();
    }

    private async Task<ChatPage> ConversationAsync(bool phone)
    {
        var chat = await fixture.OpenAsync(phone: phone);
        fixture.Model.Answer(Answer);
        await chat.SendAsync("show me everything");
        await Expect(chat.Page.Locator(".code-block .token").First).ToBeVisibleAsync();
        return chat;
    }

    private static async Task ShouldHaveNoSeriousViolationsAsync(IPage page)
    {
        var result = await page.RunAxe();
        var serious = result.Violations
            .Where(v => v.Impact is "serious" or "critical")
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}")
            .ToList();
        serious.Should().BeEmpty();
    }
}
