using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>The chat page in one browser profile, through the selectors of docs/chat-page.md.</summary>
public sealed class ChatPage : IAsyncDisposable
{
    /// <summary>The localStorage key of this browser's chats (docs/chat-page.md).</summary>
    public const string SavedChatsKey = "chatbedrock.sessions";

    private readonly IBrowserContext _context;

    public ChatPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.PageError += (_, error) => Errors.Add(error);
        page.Dialog += (_, dialog) => Dialogs.Add(dialog.Message);
        page.Request += (_, request) => Requests.Add(request.Url);
    }

    public IPage Page { get; }

    /// <summary>Uncaught script errors.</summary>
    public ConcurrentBag<string> Errors { get; } = new();

    /// <summary>alert/confirm/prompt dialogs opened.</summary>
    public ConcurrentBag<string> Dialogs { get; } = new();

    /// <summary>Every URL the page requested.</summary>
    public ConcurrentBag<string> Requests { get; } = new();

    public ILocator Input => Page.Locator("#input");

    public ILocator UserMessages => Page.Locator("#messages .message[data-role='user'] .body");

    public ILocator Answers => Page.Locator("#messages .message[data-role='assistant'] .body");

    public ILocator Sessions => Page.Locator("#session-list li");

    public ILocator TurnError => Page.Locator("#turn-error");

    /// <summary>The open chat's id, from the URL.</summary>
    public string? SessionId => new Uri(Page.Url).Query.TrimStart('?').Split('&')
        .Where(p => p.StartsWith("session=", StringComparison.Ordinal))
        .Select(p => Uri.UnescapeDataString(p["session=".Length..]))
        .FirstOrDefault();

    /// <summary>Types <paramref name="text"/>, sends it with Enter, and waits until the turn is over.</summary>
    public async Task SendAsync(string text)
    {
        await TypeAndPressEnterAsync(text);
        await WaitUntilIdleAsync();
    }

    public async Task TypeAndPressEnterAsync(string text)
    {
        await Input.FillAsync(text);
        await Input.PressAsync("Enter");
    }

    /// <summary>Waits until no turn is streaming (Stop hidden, Send shown).</summary>
    public async Task WaitUntilIdleAsync()
    {
        await Expect(Page.Locator("#stop")).ToBeHiddenAsync();
        await Expect(Page.Locator("#send")).ToBeVisibleAsync();
    }

    public ILocator Session(string title) => Sessions.Filter(new() { HasText = title });

    /// <summary>How long a deleted chat can be brought back (chat.js's UNDO_MS).</summary>
    public const int UndoMilliseconds = 6000;

    /// <summary>Waits until this browser's saved chats no longer hold <paramref name="id"/> (a delete finished on the server).</summary>
    public Task WaitUntilForgottenAsync(string id) => Page.WaitForFunctionAsync(
        $"id => !(localStorage.getItem('{SavedChatsKey}') ?? '').includes(id)", id, new() { PollingInterval = 50 });

    /// <summary>Presses Tab until <paramref name="target"/> has the focus (at most 40 times).</summary>
    public async Task TabToAsync(ILocator target, bool backwards = false)
    {
        for (var i = 0; i < 40; i++)
        {
            if (await target.EvaluateAsync<bool>("e => e === document.activeElement"))
            {
                return;
            }

            await Page.Keyboard.PressAsync(backwards ? "Shift+Tab" : "Tab");
        }

        throw new InvalidOperationException("Tab never reached the element.");
    }

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
