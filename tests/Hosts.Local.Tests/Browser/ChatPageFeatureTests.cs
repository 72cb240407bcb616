using System.Net;
using static Microsoft.Playwright.Assertions;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>What people expect of a chat page beyond chatting: copy an answer, a character counter, undo a delete, filter the list, coloured code.</summary>
[Collection(InChromium.Name)]
public sealed class ChatPageFeatureTests(ChatPageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CopyAnswer_PutsTheWholeAnswerAsMarkdownOnTheClipboard()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        const string answer = "**Two** steps:\n\n1. one\n2. two\n\n```sh\necho hi\n```";
        fixture.Model.Answer(answer);
        await chat.SendAsync("how?");

        await chat.Page.GetByRole(Microsoft.Playwright.AriaRole.Button, new() { Name = "Copy answer" }).ClickAsync();

        await Expect(chat.Page.Locator(".copy-answer")).ToHaveTextAsync("Copied");
        (await chat.Page.EvaluateAsync<string>("() => navigator.clipboard.readText()")).Should().Be(answer);
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task CharacterCounter_ShowsAsTheLimitNears_AndSaysHowManyTooMany()
    {
        await using var chat = await fixture.OpenAsync();
        var counter = chat.Page.Locator("#char-count");

        await chat.Input.FillAsync(new string('a', 12_000));
        await Expect(counter).ToBeHiddenAsync();

        await chat.Input.FillAsync(new string('a', 13_000));
        await Expect(counter).ToHaveTextAsync("13,000 / 16,000 characters");
        await Expect(counter).Not.ToHaveClassAsync("over");

        await chat.Input.FillAsync(new string('a', 15_990) + "😀😀😀😀😀😀😀😀😀😀😀😀");
        await Expect(counter).ToHaveTextAsync("16,002 / 16,000 characters (2 too many)");
        await Expect(counter).ToHaveClassAsync("over");
        (await chat.Input.GetAttributeAsync("aria-describedby")).Should().Contain("char-count");
    }

    [Fact]
    public async Task Undo_AfterDelete_BringsTheChatBack_AndNothingIsDeletedOnTheServer()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.Page.Clock.InstallAsync();
        await chat.SendAsync("keep me after all");
        var id = chat.SessionId!;

        await chat.Session("keep me after all").Locator(".session-delete").ClickAsync();
        await Expect(chat.Sessions).ToHaveCountAsync(0);
        await Expect(chat.Page.Locator("#undo-delete")).ToBeFocusedAsync();
        await chat.Page.Locator("#undo-delete").ClickAsync();

        await Expect(chat.Session("keep me after all")).ToHaveCountAsync(1);
        await Expect(chat.UserMessages).ToHaveTextAsync(["keep me after all"]);
        await chat.Page.Clock.RunForAsync(ChatPage.UndoMilliseconds + 500);
        await Expect(chat.Session("keep me after all")).ToHaveCountAsync(1);
        (await fixture.Client.GetAsync($"/sessions/{Uri.EscapeDataString(id)}/messages", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task PageClosedDuringTheUndoTime_KeepsTheChat()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("closed too soon");
        var id = chat.SessionId!;
        await chat.Session("closed too soon").Locator(".session-delete").ClickAsync();
        await Expect(chat.Sessions).ToHaveCountAsync(0);

        await chat.Page.CloseAsync();
        var again = await chat.Page.Context.NewPageAsync();
        await again.GotoAsync(fixture.Address.ToString());

        await Expect(again.Locator("#session-list li").Filter(new() { HasText = "closed too soon" })).ToHaveCountAsync(1);
        (await fixture.Client.GetAsync($"/sessions/{Uri.EscapeDataString(id)}/messages", Ct)).StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Filter_ShowsOnlyChatsWhoseTitleContainsIt_InAnyCase()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("Lambda pricing");
        await chat.Page.Locator("#new-chat").ClickAsync();
        await chat.SendAsync("DynamoDB tables");
        var filter = chat.Page.Locator("#session-filter");

        await filter.FillAsync("lambda");

        await Expect(chat.Page.Locator("#session-list li:not([hidden])")).ToHaveTextAsync(["Lambda pricing"]);
        await filter.FillAsync("nothing like this");
        await Expect(chat.Page.Locator("#sessions-no-match")).ToBeVisibleAsync();
        await filter.FillAsync("");
        await Expect(chat.Page.Locator("#session-list li:not([hidden])")).ToHaveCountAsync(2);
        await Expect(chat.Page.Locator("#sessions-no-match")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task CodeBlocks_AreColouredFromTheVendoredHighlighter_AndStayText()
    {
        await using var chat = await fixture.OpenAsync();
        fixture.Model.Answer("```python\ndef f():\n    return \"<img src=x onerror=alert(1)>\"  # done\n```\n\n```unknownlang\nplain <b>text</b>\n```");

        await chat.SendAsync("colour it");

        var python = chat.Page.Locator(".code-block").First.Locator("code");
        await Expect(python.Locator(".token.keyword").First).ToHaveTextAsync("def");
        await Expect(python.Locator(".token.string")).ToHaveTextAsync("\"<img src=x onerror=alert(1)>\"");
        await Expect(python.Locator(".token.comment")).ToHaveTextAsync("# done");
        await Expect(python).ToHaveTextAsync("def f():\n    return \"<img src=x onerror=alert(1)>\"  # done");
        (await chat.Page.Locator("#messages img, #messages b, #messages [onerror]").CountAsync()).Should().Be(0);
        await Expect(chat.Page.Locator(".code-block").Nth(1).Locator("code span")).ToHaveCountAsync(0);
        chat.Requests.Should().OnlyContain(url => url.StartsWith(fixture.Address.ToString(), StringComparison.Ordinal));
        chat.Requests.Should().Contain(url => url.EndsWith("/assets/vendor/prism.js", StringComparison.Ordinal));
        chat.Dialogs.Should().BeEmpty();
        chat.Errors.Should().BeEmpty();
    }
}
