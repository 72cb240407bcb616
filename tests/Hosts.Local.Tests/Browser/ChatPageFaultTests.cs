using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>Faults a newcomer hit: the phone header and the not-ready banner, the not-ready message, New chat during an answer.</summary>
[Collection(InChromium.Name)]
public sealed class ChatPageFaultTests(ChatPageFixture fixture)
{
    // As long as a real one: the AWS SDK's exception chain runs to about 1,000 characters.
    private static readonly string NotReady =
        "Amazon Bedrock cannot be used: no AWS credentials were found. Give the host credentials (for example AWS_PROFILE) " +
        "and a region (AWS_REGION), or start it with --model-provider local. " +
        string.Concat(Enumerable.Repeat("Amazon.Runtime.AmazonServiceException: Unable to get IAM security credentials from EC2 Instance Metadata Service. ", 8));

    [Fact]
    public async Task NotReady_AtPhoneWidth_IsAFullWidthShortLine_WithTheMessageBoxStillOnScreen()
    {
        await using var chat = await OpenNotReadyAsync(phone: true);
        var status = chat.Page.Locator("#status");

        await Expect(status).ToHaveClassAsync("warn");
        await Expect(status.Locator(".status-text")).ToHaveTextAsync("Model not ready: Amazon Bedrock cannot be used: no AWS credentials were found. Details");
        await Expect(chat.Page.Locator("#status-details")).ToBeHiddenAsync();
        var box = (await status.BoundingBoxAsync())!;
        box.Width.Should().BeGreaterThan(360, "the banner spans the phone's width, not a 156 px column");
        await ShouldBeOnScreenAsync(chat.Page, "#input", "#send", "#new-chat");

        await chat.Page.Locator("#status-more").ClickAsync();

        await Expect(chat.Page.Locator("#status-details")).ToHaveTextAsync(NotReady);
        await Expect(chat.Page.Locator("#status-more")).ToHaveAttributeAsync("aria-expanded", "true");
        await ShouldBeOnScreenAsync(chat.Page, "#input", "#send");
    }

    [Fact]
    public async Task NotReady_TurnError_DoesNotRepeatTheMessage_ThatTheStatusLineShowsOnce()
    {
        await using var chat = await OpenNotReadyAsync(phone: false);

        await chat.SendAsync("hello?");

        await Expect(chat.TurnError).ToHaveAttributeAsync("data-error-type", "ModelNotConfigured");
        await Expect(chat.TurnError).ToContainTextAsync("The line at the top says why");
        await Expect(chat.TurnError).Not.ToContainTextAsync("AWS_PROFILE");
        await Expect(chat.Page.Locator("body")).ToContainTextAsync("no AWS credentials were found");
        (await chat.Page.Locator("body").InnerTextAsync()).Split("no AWS credentials were found").Length.Should().Be(2, "the message is shown once");
    }

    [Fact]
    public async Task PhoneHeader_KeepsNewChatOnOneLine_AndTheStatusWhole()
    {
        await using var chat = await fixture.OpenAsync(phone: true);
        var status = chat.Page.Locator("#status");
        await Expect(status).ToBeVisibleAsync();

        var newChat = (await chat.Page.Locator("#new-chat").BoundingBoxAsync())!;
        var title = (await chat.Page.Locator(".top h1").BoundingBoxAsync())!;
        newChat.Height.Should().BeLessThan(45, "New chat does not wrap");
        (newChat.Y + newChat.Height / 2).Should().BeInRange(title.Y, title.Y + title.Height, "New chat is on the title's line");
        (await status.EvaluateAsync<bool>("e => e.scrollWidth <= e.clientWidth")).Should().BeTrue("the status is not cut");
        await ShouldBeOnScreenAsync(chat.Page, "#status", "#new-chat", "#input", "#send");
    }

    [Fact]
    public async Task NewChat_DuringAnAnswer_KeepsTheFirstChat_AnsweredInTheBackground_AndListed()
    {
        fixture.Model.AnswerSlowly(TimeSpan.FromMilliseconds(300), "one", " two", " three", " four");
        await using var chat = await fixture.OpenAsync();
        await chat.TypeAndPressEnterAsync("the first chat");
        await Expect(chat.Answers.Last).ToContainTextAsync("one");
        var first = chat.SessionId;
        first.Should().NotBeNull();

        await chat.Page.Locator("#new-chat").ClickAsync();

        await Expect(chat.Page.Locator("#messages .message")).ToHaveCountAsync(0);
        await Expect(chat.Page.Locator("#send")).ToBeVisibleAsync();
        await Expect(chat.Session("the first chat")).ToHaveCountAsync(1);
        await chat.SendAsync("the second chat");
        await Expect(chat.Sessions).ToHaveCountAsync(2);

        await StoredAnswerAsync(first!);
        await chat.Session("the first chat").Locator(".session-open").ClickAsync();
        await Expect(chat.Answers).ToHaveTextAsync(["one two three four"]);
        chat.SessionId.Should().Be(first);
        chat.Errors.Should().BeEmpty();
    }

    /// <summary>Waits (at most 15 s) until the server has stored the chat's first answer.</summary>
    private async Task StoredAnswerAsync(string id)
    {
        for (var i = 0; i < 150; i++)
        {
            using var response = await fixture.Client.GetAsync($"/sessions/{Uri.EscapeDataString(id)}/messages", TestContext.Current.CancellationToken);
            if (response.IsSuccessStatusCode && (await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).Contains("one two three four", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }

        throw new InvalidOperationException("The first chat's answer was never stored.");
    }

    private async Task<ChatPage> OpenNotReadyAsync(bool phone)
    {
        var chat = await fixture.OpenAsync(phone: phone);
        var status = JsonSerializer.Serialize(new { model = new { provider = "bedrock", model_id = "amazon.nova-lite-v1:0", ready = false, message = NotReady }, store = "sqlite" });
        var error = JsonSerializer.Serialize(new { error = new { type = "ModelNotConfigured", message = NotReady } });
        await chat.Page.RouteAsync("**/status", route => route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = status }));
        await chat.Page.RouteAsync(new Uri(fixture.Address, "/").ToString(), async route =>
        {
            if (route.Request.Method == "POST")
            {
                await route.FulfillAsync(new() { Status = 503, ContentType = "application/json", Body = error });
            }
            else
            {
                await route.ContinueAsync();
            }
        });
        await chat.Page.ReloadAsync();
        return chat;
    }

    private static async Task ShouldBeOnScreenAsync(IPage page, params string[] selectors)
    {
        var viewport = page.ViewportSize!;
        foreach (var selector in selectors)
        {
            var box = (await page.Locator(selector).BoundingBoxAsync())!;
            box.Should().NotBeNull(selector);
            box.X.Should().BeGreaterThanOrEqualTo(0, selector);
            (box.X + box.Width).Should().BeLessThanOrEqualTo(viewport.Width, selector);
            (box.Y + box.Height).Should().BeLessThanOrEqualTo(viewport.Height, selector);
        }
    }
}
