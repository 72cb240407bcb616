using System.Net;
using ChatBedrock.Domain;
using static Microsoft.Playwright.Assertions;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>The chat page in a real browser (chromium), against the real local host and a scripted model.</summary>
[Collection(InChromium.Name)]
public sealed class ChatPageTests(ChatPageFixture fixture)
{
    [Fact]
    public async Task Send_ShowsTheAnswerWhileItStreams()
    {
        fixture.Model.AnswerSlowly(TimeSpan.FromMilliseconds(400), "Hello", " from", " the", " model.");
        await using var chat = await fixture.OpenAsync();

        await chat.TypeAndPressEnterAsync("Hi");

        await Expect(chat.UserMessages).ToHaveTextAsync(["Hi"]);
        await Expect(chat.Answers.Last).ToContainTextAsync("Hello");
        await Expect(chat.Page.Locator(".message[data-role='assistant'][aria-busy='true']")).ToHaveCountAsync(1);
        await Expect(chat.Page.Locator("#stop")).ToBeVisibleAsync();
        await Expect(chat.Answers).ToHaveTextAsync(["Hello from the model."]);
        await chat.WaitUntilIdleAsync();
        await Expect(chat.Page.Locator("#announcer")).ToHaveTextAsync("Hello from the model.");
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Reload_ShowsTheHistory()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("Remember this");

        await chat.Page.ReloadAsync();

        chat.SessionId.Should().NotBeNullOrEmpty();
        await Expect(chat.UserMessages).ToHaveTextAsync(["Remember this"]);
        await Expect(chat.Answers).ToHaveTextAsync(["echo: Remember this"]);
        await Expect(chat.Session("Remember this")).ToHaveCountAsync(1);
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task NewChat_StartsEmpty_AndKeepsThePreviousChatInTheList()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("the first chat");
        var first = chat.SessionId;

        await chat.Page.Locator("#new-chat").ClickAsync();

        await Expect(chat.Page.Locator("#messages .message")).ToHaveCountAsync(0);
        await Expect(chat.Page.Locator("#welcome")).ToBeVisibleAsync();
        chat.SessionId.Should().BeNull();
        await Expect(chat.Sessions).ToHaveCountAsync(1);
        await Expect(chat.Sessions.First).ToHaveAttributeAsync("data-session-id", first!);
        await chat.SendAsync("the second chat");
        chat.SessionId.Should().NotBe(first);
        await Expect(chat.Sessions).ToHaveCountAsync(2);
    }

    [Fact]
    public async Task SwitchingChats_RestoresEachHistory()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("apple");
        await chat.SendAsync("apple pie");
        await chat.Page.Locator("#new-chat").ClickAsync();
        await chat.SendAsync("banana");

        await chat.Session("apple").Locator(".session-open").ClickAsync();

        await Expect(chat.UserMessages).ToHaveTextAsync(["apple", "apple pie"]);
        await Expect(chat.Answers).ToHaveTextAsync(["echo: apple", "echo: apple pie"]);
        await Expect(chat.Session("apple").Locator(".session-open")).ToHaveAttributeAsync("aria-current", "page");

        await chat.Session("banana").Locator(".session-open").ClickAsync();

        await Expect(chat.UserMessages).ToHaveTextAsync(["banana"]);
        await Expect(chat.Answers).ToHaveTextAsync(["echo: banana"]);
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Delete_RemovesTheChatFromTheListAndTheServer_OnceTheUndoTimeIsOver()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.Page.Clock.InstallAsync();
        await chat.SendAsync("delete me");
        var id = chat.SessionId!;

        await chat.Session("delete me").Locator(".session-delete").ClickAsync();

        await Expect(chat.Sessions).ToHaveCountAsync(0);
        await Expect(chat.Page.Locator("#messages .message")).ToHaveCountAsync(0);
        await Expect(chat.Page.Locator("#undo-bar")).ToContainTextAsync("delete me");
        await chat.Page.Clock.RunForAsync(ChatPage.UndoMilliseconds + 500);
        await Expect(chat.Page.Locator("#undo-bar")).ToBeHiddenAsync();
        await chat.WaitUntilForgottenAsync(id);
        var history = await fixture.Client.GetAsync($"/sessions/{Uri.EscapeDataString(id)}/messages", TestContext.Current.CancellationToken);
        history.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task EnterWhileAnImeComposes_DoesNotSend()
    {
        await using var chat = await fixture.OpenAsync();
        var cdp = await chat.Page.Context.NewCDPSessionAsync(chat.Page);
        await chat.Input.FocusAsync();
        var requestsBefore = fixture.Model.Requests.Count;

        // Kana typed, not yet converted: Enter confirms the conversion (the page sees isComposing = true).
        await cdp.SendAsync("Input.imeSetComposition", new() { ["text"] = "にほんご", ["selectionStart"] = 4, ["selectionEnd"] = 4 });
        await cdp.SendAsync("Input.dispatchKeyEvent", new() { ["type"] = "rawKeyDown", ["key"] = "Enter", ["code"] = "Enter", ["windowsVirtualKeyCode"] = 13 });
        await cdp.SendAsync("Input.insertText", new() { ["text"] = "日本語" });

        await Expect(chat.Input).ToHaveValueAsync("日本語");
        await Expect(chat.Page.Locator("#messages .message")).ToHaveCountAsync(0);
        fixture.Model.Requests.Count.Should().Be(requestsBefore);

        // The composition is committed: now Enter sends.
        await chat.Input.PressAsync("Enter");

        await Expect(chat.UserMessages).ToHaveTextAsync(["日本語"]);
        await Expect(chat.Answers).ToHaveTextAsync(["echo: 日本語"]);
    }

    [Fact]
    public async Task HtmlInAnAnswer_IsShownAsText_AndRunsNothing()
    {
        const string Img = "<img src=x onerror=alert(1)>";
        const string Script = "<script>alert(2)</script>";
        fixture.Model.Answer(Img, " and ", Script, "\n\n[link](javascript:alert(3)) ![pic](http://127.0.0.1:9/x.png)");
        await using var chat = await fixture.OpenAsync();

        await chat.SendAsync("show me some HTML");
        await chat.Page.ReloadAsync();

        await Expect(chat.Answers.Last).ToContainTextAsync($"{Img} and {Script}");
        await Expect(chat.Page.Locator("#messages img")).ToHaveCountAsync(0);
        await Expect(chat.Page.Locator("#messages script")).ToHaveCountAsync(0);
        await Expect(chat.Page.Locator("#messages a[href^='javascript']")).ToHaveCountAsync(0);
        chat.Dialogs.Should().BeEmpty("no script from the answer may run");
        chat.Requests.Should().OnlyContain(url => url.StartsWith(fixture.Address.ToString(), StringComparison.Ordinal), "an answer must not make the page fetch anything");
        chat.Requests.Should().NotContain(url => url.EndsWith("/x", StringComparison.Ordinal));
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Throttling_ShowsTheError_AndRetryAnswers()
    {
        fixture.Model.Fail(new ChatException(ChatErrorCode.ModelThrottled, "Too many requests, please wait.", TimeSpan.FromSeconds(2)));
        await using var chat = await fixture.OpenAsync();

        await chat.SendAsync("are you busy?");

        await Expect(chat.TurnError).ToHaveAttributeAsync("data-error-type", nameof(ChatErrorCode.ModelThrottled));
        await Expect(chat.TurnError).ToContainTextAsync("throttled");
        await Expect(chat.TurnError).ToContainTextAsync("about 2 seconds");
        await Expect(chat.Answers).ToHaveCountAsync(0);

        await chat.Page.Locator("#retry").ClickAsync();

        await Expect(chat.Answers).ToHaveTextAsync(["echo: are you busy?"]);
        await Expect(chat.UserMessages).ToHaveTextAsync(["are you busy?"]);
        await Expect(chat.TurnError).ToHaveCountAsync(0);
    }
}
