using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>
/// Issue 15's chat controls against the real local host: Stop keeps what arrived (shown as stopped), Regenerate and
/// Edit replace the last turn, rename in the list, export as Markdown and JSON, and a JSON export imported back.
/// </summary>
[Collection(InChromium.Name)]
public sealed class ChatPageTurnControlsTests(ChatPageFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ILocator LastAnswer(ChatPage chat) => chat.Page.Locator("#messages .message[data-role='assistant']").Last;

    [Fact]
    public async Task Stop_KeepsWhatArrived_ShownAsStopped_AndTheNextMessageGoesOnFromIt()
    {
        await using var chat = await fixture.OpenAsync();
        fixture.Model.Hang("Half an ", "answer");
        await chat.TypeAndPressEnterAsync("tell me");
        await Expect(chat.Answers.Last).ToHaveTextAsync("Half an answer");

        await chat.Page.Locator("#stop").ClickAsync();

        await Expect(LastAnswer(chat).Locator(".stopped-marker")).ToBeVisibleAsync();
        await Expect(LastAnswer(chat)).ToHaveAttributeAsync("data-interrupted", "true");
        var id = chat.SessionId!;
        var stored = await StoredAsync(id, m => m.Count == 2);
        stored[1].GetProperty("content").GetString().Should().Be("Half an answer");
        stored[1].GetProperty("interrupted").GetBoolean().Should().BeTrue();

        // Opened again (from the API), the kept answer still says it was stopped.
        await chat.Page.ReloadAsync();
        await Expect(chat.Answers).ToHaveTextAsync(["Half an answer"]);
        await Expect(LastAnswer(chat).Locator(".stopped-marker")).ToBeVisibleAsync();
        await Expect(chat.Session("tell me")).ToHaveCountAsync(1);

        await chat.SendAsync("go on");

        fixture.Model.Requests.Last().Messages.Select(m => m.Content).Should().Equal("tell me", "Half an answer", "go on");
        await Expect(chat.Page.Locator(".stopped-marker")).ToHaveCountAsync(1);
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task Regenerate_OnTheLastAnswer_ReplacesIt_OnThePageAndTheServer()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("first");
        await chat.SendAsync("second");
        fixture.Model.Answer("second, ", "again");

        await Expect(chat.Page.Locator(".regenerate-answer:visible")).ToHaveCountAsync(1);
        await LastAnswer(chat).Locator(".regenerate-answer").ClickAsync();
        await chat.WaitUntilIdleAsync();

        await Expect(chat.Answers).ToHaveTextAsync(["echo: first", "second, again"]);
        await Expect(chat.UserMessages).ToHaveTextAsync(["first", "second"]);
        (await StoredAsync(chat.SessionId!, m => m.Count == 4 && m[3].GetProperty("content").GetString() == "second, again"))
            .Select(m => m.GetProperty("content").GetString()).Should().Equal("first", "echo: first", "second", "second, again");
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task EditLastQuestion_FromTheKeyboard_EnterResendsIt_AndReplacesTheLastTurn()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("first");
        await chat.SendAsync("secnod");
        var edit = chat.Page.Locator("#messages .message.last-turn[data-role='user'] .edit-question");

        await chat.TabToAsync(edit, backwards: true);
        await chat.Page.Keyboard.PressAsync("Enter");
        var box = chat.Page.Locator(".edit-box");
        await Expect(box).ToBeFocusedAsync();
        await Expect(box).ToHaveValueAsync("secnod");
        await box.FillAsync("second");
        await box.PressAsync("Enter");
        await chat.WaitUntilIdleAsync();

        await Expect(chat.UserMessages).ToHaveTextAsync(["first", "second"]);
        await Expect(chat.Answers).ToHaveTextAsync(["echo: first", "echo: second"]);
        (await StoredAsync(chat.SessionId!, m => m.Count == 4 && m[2].GetProperty("content").GetString() == "second"))
            .Select(m => m.GetProperty("content").GetString()).Should().Equal("first", "echo: first", "second", "echo: second");
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task EditLastQuestion_Escape_ChangesNothing()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("keep me");
        var requests = fixture.Model.Requests.Count;

        await chat.Page.Locator(".edit-question").ClickAsync();
        await chat.Page.Locator(".edit-box").FillAsync("changed");
        await chat.Page.Locator(".edit-box").PressAsync("Escape");

        await Expect(chat.Page.Locator(".edit-box")).ToHaveCountAsync(0);
        await Expect(chat.UserMessages).ToHaveTextAsync(["keep me"]);
        await Expect(chat.Page.Locator(".edit-question")).ToBeFocusedAsync();
        fixture.Model.Requests.Count.Should().Be(requests);
    }

    [Fact]
    public async Task Rename_InTheList_KeepsTheNewTitle_AcrossAReload()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("a long first message about trains");

        await chat.Session("a long first message").Locator(".session-rename").ClickAsync();
        var box = chat.Page.Locator(".session-rename-box");
        await Expect(box).ToBeFocusedAsync();
        await box.FillAsync("Trains");
        await box.PressAsync("Enter");

        await Expect(chat.Session("Trains").Locator(".session-open")).ToHaveTextAsync("Trains");
        await Expect(chat.Page).ToHaveTitleAsync("Trains · ChatBedrock");
        await chat.Page.ReloadAsync();
        await Expect(chat.Sessions.Locator(".session-open")).ToHaveTextAsync(["Trains"]);
        await Expect(chat.Sessions.Locator(".session-rename")).ToHaveAttributeAsync("aria-label", "Rename chat: Trains");
    }

    [Fact]
    public async Task ExportJson_ThenImport_OpensANewChatWithTheSameMessages()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("おはよう");
        fixture.Model.Answer("**bold** answer");
        await chat.SendAsync("two");
        var original = chat.SessionId!;

        var download = await chat.Page.RunAndWaitForDownloadAsync(() => chat.Page.Locator("#export-json").ClickAsync());
        var path = await download.PathAsync();
        using (var exported = JsonDocument.Parse(await File.ReadAllTextAsync(path, Ct)))
        {
            exported.RootElement.GetProperty("format").GetString().Should().Be("chatbedrock.chat");
            exported.RootElement.GetProperty("version").GetInt32().Should().Be(1);
            exported.RootElement.GetProperty("messages").GetArrayLength().Should().Be(4);
        }

        await chat.Page.Locator("#import-file").SetInputFilesAsync(path);

        await Expect(chat.Sessions).ToHaveCountAsync(2);
        await Expect(chat.UserMessages).ToHaveTextAsync(["おはよう", "two"]);
        await Expect(chat.Answers).ToHaveTextAsync(["echo: おはよう", "bold answer"]);
        chat.SessionId.Should().NotBe(original);
        (await StoredAsync(chat.SessionId!, m => m.Count == 4)).Select(m => m.GetProperty("content").GetString())
            .Should().Equal("おはよう", "echo: おはよう", "two", "**bold** answer");
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task ExportMarkdown_WritesTheTitleAndEachMessageUnderItsHeading()
    {
        await using var chat = await fixture.OpenAsync();
        fixture.Model.Answer("Use `ls`.");
        await chat.SendAsync("list files?");

        var download = await chat.Page.RunAndWaitForDownloadAsync(() => chat.Page.Locator("#export-markdown").ClickAsync());
        var text = await File.ReadAllTextAsync(await download.PathAsync(), Ct);

        download.SuggestedFilename.Should().Be("list files.md");
        text.Should().StartWith("# list files?\n").And.Contain("## You\n\nlist files?\n\n## Answer\n\nUse `ls`.\n");
    }

    [Fact]
    public async Task ImportOfAFileThatIsNotAnExport_SaysSo_AndOpensNothing()
    {
        await using var chat = await fixture.OpenAsync();

        await chat.Page.Locator("#import-file").SetInputFilesAsync(new FilePayload { Name = "x.json", MimeType = "application/json", Buffer = "{\"a\": 1}"u8.ToArray() });

        await Expect(chat.Page.Locator("#notice")).ToContainTextAsync("could not be imported");
        await Expect(chat.Sessions).ToHaveCountAsync(0);
    }

    /// <summary>The stored messages once <paramref name="ready"/> holds (the server stores a stopped answer as the connection closes): at most 50 looks.</summary>
    private async Task<List<JsonElement>> StoredAsync(string id, Func<List<JsonElement>, bool> ready)
    {
        List<JsonElement> messages = [];
        for (var attempt = 0; attempt < 50; attempt++)
        {
            using var response = await fixture.Client.GetAsync($"/sessions/{Uri.EscapeDataString(id)}/messages", Ct);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                response.EnsureSuccessStatusCode();
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
                messages = [.. body.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.Clone())];
                if (ready(messages))
                {
                    return messages;
                }
            }

            await Task.Delay(100, Ct);
        }

        return messages;
    }
}
