using ChatBedrock.Testing;
using Microsoft.Playwright;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

[CollectionDefinition(Name)]
public sealed class InChromium : ICollectionFixture<ChatPageFixture>
{
    public const string Name = "chat page in chromium";
}

/// <summary>
/// The real local host wired to a scripted model, and Debian's chromium driven by Playwright (headless). The
/// browser is the one at <see cref="ChromiumVariable"/>, else /usr/bin/chromium; Playwright's own browser
/// download is never used. Without chromium the tests fail, saying how to install it.
/// </summary>
public sealed class ChatPageFixture : IAsyncLifetime
{
    public const string ChromiumVariable = "CHATBEDROCK_TEST_CHROMIUM";
    private const string DefaultChromium = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private RunningHost? _host;
    private IBrowser? _browser;

    public ScriptedLanguageModel Model { get; } = new();

    /// <summary>A client of the host, for what the page's actions left on the server.</summary>
    public HttpClient Client => Host.Client;

    internal RunningHost Host => _host ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>Where the host listens.</summary>
    public Uri Address => Host.Address;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async ValueTask InitializeAsync()
    {
        var chromium = Environment.GetEnvironmentVariable(ChromiumVariable) is { Length: > 0 } configured ? configured : DefaultChromium;
        if (!File.Exists(chromium))
        {
            throw new InvalidOperationException(
                $"Chromium was not found at {chromium}. The browser tests drive Debian's chromium: install it with " +
                $"`sudo apt-get install chromium fonts-ipafont-gothic` (./test.sh does this), or set {ChromiumVariable} to a Chromium executable.");
        }

        // Chat pages should look the same whatever the machine's settings: a fixed timeout for slow, shared CI machines.
        Assertions.SetDefaultExpectTimeout(15_000);
        // A price for the scripted model, so the page's usage line shows a cost (ChatPageUsageTests).
        _host = await RunningHost.StartAsync(
            args: ["--Conversation:Prices", $"{ScriptedModelProvider.ModelId}=0.25/1.25"],
            providers: [new ScriptedModelProvider(Model), new Models.LocalModelProvider()]);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = chromium, Headless = true });
    }

    /// <summary>
    /// A fresh browser profile with the page open: empty localStorage, or holding the saved chats of
    /// <paramref name="savedChatsOf"/> (the same person on another device), since the page opens only its own chats.
    /// </summary>
    public async Task<ChatPage> OpenAsync(bool phone = false, string path = "/", ChatPage? savedChatsOf = null)
    {
        var context = await Browser.NewContextAsync(phone
            ? new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 3, Locale = "ja-JP" }
            : new() { ViewportSize = new() { Width = 1280, Height = 800 }, Locale = "ja-JP" });
        var page = await context.NewPageAsync();
        var chat = new ChatPage(context, page);
        if (savedChatsOf is not null)
        {
            var saved = await savedChatsOf.Page.EvaluateAsync<string>($"() => localStorage.getItem('{ChatPage.SavedChatsKey}')");
            await page.GotoAsync(new Uri(Address, "/").ToString());
            await page.EvaluateAsync($"saved => localStorage.setItem('{ChatPage.SavedChatsKey}', saved)", saved);
        }

        await page.GotoAsync(new Uri(Address, path).ToString());
        return chat;
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
