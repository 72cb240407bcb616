using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Microsoft.Playwright.Assertions;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>
/// Which chats the page continues (ADR 0045): only those the server gave this browser, never one named by a link,
/// and a Retry after Stop that does not store the question twice.
/// </summary>
[Collection(InChromium.Name)]
public sealed class ChatPageSessionTests(ChatPageFixture fixture)
{
    [Fact]
    public async Task LinkToAnUnknownSession_StartsANewChat_WhoseIdTheServerMints()
    {
        await using var chat = await fixture.OpenAsync(path: "/?session=watch-me");

        await Expect(chat.Page.Locator("#notice")).ToContainTextAsync("not one of this browser's chats");
        chat.SessionId.Should().BeNull("the link's id is dropped from the URL");
        await chat.SendAsync("my secret");

        chat.SessionId.Should().NotBeNullOrEmpty().And.NotBe("watch-me");
        (await HistoryAsync("watch-me")).Should().BeNull("the page must not write into a session a link named");
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task LinkToAnotherBrowsersChat_IsNeitherShownNorContinued()
    {
        var planted = await StartChatOnTheServerAsync("planted by someone else");

        await using var chat = await fixture.OpenAsync(path: $"/?session={Uri.EscapeDataString(planted)}");

        await Expect(chat.Page.Locator("#notice")).ToBeVisibleAsync();
        await Expect(chat.Page.Locator("#messages .message")).ToHaveCountAsync(0);
        chat.SessionId.Should().BeNull();
        await chat.SendAsync("my secret");
        chat.SessionId.Should().NotBe(planted);
        (await HistoryAsync(planted)).Should().Equal("planted by someone else", "echo: planted by someone else");
        chat.Requests.Should().NotContain(url => url.Contains($"/sessions/{planted}", StringComparison.Ordinal), "the foreign chat is not even read");
    }

    [Fact]
    public async Task RememberedIdNotInTheSavedList_IsNotContinued()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.Page.EvaluateAsync("() => localStorage.setItem('chatbedrock.session', JSON.stringify('watch-me'))");

        await chat.Page.ReloadAsync();
        await chat.SendAsync("after the reload");

        chat.SessionId.Should().NotBe("watch-me");
        (await HistoryAsync("watch-me")).Should().BeNull();
    }

    [Fact]
    public async Task LinkToOwnChat_InAnotherTab_ShowsAndContinuesIt()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("mine");
        var tab = await chat.Page.Context.NewPageAsync();

        await tab.GotoAsync(new Uri(fixture.Address, $"/?session={Uri.EscapeDataString(chat.SessionId!)}").ToString());

        await Expect(tab.Locator("#messages .message[data-role='assistant'] .body")).ToHaveTextAsync(["echo: mine"]);
        await Expect(tab.Locator("#notice")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task RetryAfterStop_WhenTheServerKeptTheTurn_ShowsItInsteadOfAskingAgain()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("first");
        var id = chat.SessionId!;
        fixture.Model.Answer("kept", " answer");
        var kept = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // As on Lambda: the browser's Stop does not reach the function, which finishes and stores the turn.
        await chat.Page.RouteAsync(new Uri(fixture.Address, "/").ToString(), async route =>
        {
            await route.FetchAsync();
            kept.TrySetResult();
        }, new() { Times = 1 });

        await chat.TypeAndPressEnterAsync("second");
        await kept.Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);
        await chat.Page.Locator("#stop").ClickAsync();

        await Expect(chat.TurnError).ToHaveAttributeAsync("data-error-type", "Stopped");
        await Expect(chat.TurnError).ToContainTextAsync("may still finish this answer");
        await chat.Page.Locator("#retry").ClickAsync();

        await Expect(chat.Answers).ToHaveTextAsync(["echo: first", "kept answer"]);
        await Expect(chat.UserMessages).ToHaveTextAsync(["first", "second"]);
        await Expect(chat.TurnError).ToHaveCountAsync(0);
        await chat.WaitUntilIdleAsync();
        (await HistoryAsync(id)).Should().Equal("first", "echo: first", "second", "kept answer");
        chat.Errors.Should().BeEmpty();
    }

    [Fact]
    public async Task RetryAfterStop_WhenNothingWasKept_AsksAgain_EvenAfterTheSameQuestion()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("first");
        var id = chat.SessionId!;
        fixture.Model.Hang("Partial");

        await chat.TypeAndPressEnterAsync("first");
        await Expect(chat.Answers.Last).ToHaveTextAsync("Partial");
        await chat.Page.Locator("#stop").ClickAsync();
        await Expect(chat.TurnError).ToHaveAttributeAsync("data-error-type", "Stopped");
        await chat.Page.Locator("#retry").ClickAsync();

        await Expect(chat.Answers).ToHaveTextAsync(["echo: first", "echo: first"]);
        await chat.WaitUntilIdleAsync();
        (await HistoryAsync(id)).Should().Equal("first", "echo: first", "first", "echo: first");
    }

    [Fact]
    public async Task RetryAfterADroppedConnection_WhenTheLookMissesTheKeptTurn_ResendsItsKeyAndStoresOnce()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("first");
        var id = chat.SessionId!;
        var asked = fixture.Model.Requests.Count;
        fixture.Model.Answer("kept", " answer");
        var keys = new List<string?>();
        chat.Page.Request += (_, request) =>
        {
            if (request.Method == "POST")
            {
                keys.Add(request.Headers.GetValueOrDefault("idempotency-key"));
            }
        };
        // The server finishes and stores the turn; the connection drops before the page reads a byte of it.
        await chat.Page.RouteAsync(new Uri(fixture.Address, "/").ToString(), async route =>
        {
            await route.FetchAsync();
            await route.AbortAsync("connectionreset");
        }, new() { Times = 1 });
        // The Retry's look misses it (as an eventually consistent read can): only the key prevents a second turn.
        await chat.Page.RouteAsync("**/messages", route => route.FulfillAsync(new()
        {
            Status = 200,
            ContentType = "application/json",
            Body = $$"""{"session_id": "{{id}}", "messages": [], "next": null}""",
        }), new() { Times = 1 });

        await chat.TypeAndPressEnterAsync("second");
        await Expect(chat.Page.Locator("#retry")).ToBeVisibleAsync();
        await chat.Page.Locator("#retry").ClickAsync();

        await Expect(chat.Answers).ToHaveTextAsync(["echo: first", "kept answer"]);
        await chat.WaitUntilIdleAsync();
        (await HistoryAsync(id)).Should().Equal("first", "echo: first", "second", "kept answer");
        fixture.Model.Requests.Count.Should().Be(asked + 1, "the resent turn is answered from the store");
        keys.Should().HaveCount(2).And.OnlyContain(k => !string.IsNullOrEmpty(k));
        keys.Distinct().Should().HaveCount(1, "a Retry resends its turn's key");
    }

    [Fact]
    public async Task LongChat_ShowsItsNewestHundredMessages_AndLoadOlderShowsTheRestAboveThem()
    {
        await using var chat = await fixture.OpenAsync();
        await chat.SendAsync("turn 0");
        var id = chat.SessionId!;
        for (var i = 1; i < 60; i++)
        {
            using var response = await fixture.Client.PostAsJsonAsync(
                "/", new Dictionary<string, string> { ["input_text"] = $"turn {i}", ["session_id"] = id }, TestContext.Current.CancellationToken);
            response.EnsureSuccessStatusCode();
        }

        await chat.Page.ReloadAsync();
        await Expect(chat.UserMessages).ToHaveCountAsync(50);
        await Expect(chat.UserMessages.First).ToHaveTextAsync("turn 10");
        await chat.Page.Locator(".load-older").ClickAsync();

        await Expect(chat.UserMessages).ToHaveCountAsync(60);
        await Expect(chat.UserMessages.First).ToHaveTextAsync("turn 0");
        await Expect(chat.UserMessages.Nth(10)).ToHaveTextAsync("turn 10");
        await Expect(chat.Page.Locator(".load-older")).ToHaveCountAsync(0);
        chat.Errors.Should().BeEmpty();
    }

    /// <summary>A chat started by someone else: its id, minted by the server.</summary>
    private async Task<string> StartChatOnTheServerAsync(string input)
    {
        using var response = await fixture.Client.PostAsJsonAsync("/", new Dictionary<string, string> { ["input_text"] = input }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return reply.RootElement.GetProperty("session_id").GetString()!;
    }

    /// <summary>The stored messages' texts, or null when the server has none for <paramref name="id"/>.</summary>
    private async Task<string[]?> HistoryAsync(string id)
    {
        using var response = await fixture.Client.GetAsync($"/sessions/{Uri.EscapeDataString(id)}/messages", TestContext.Current.CancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return [.. body.RootElement.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!)];
    }
}
