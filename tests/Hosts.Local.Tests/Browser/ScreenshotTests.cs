using ChatBedrock.Testing.Dynalite;
using static Microsoft.Playwright.Assertions;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>Takes the README's screenshots (docs/screenshots/, committed) of a real conversation at desktop and phone width.</summary>
[Collection(InChromium.Name)]
public sealed class ScreenshotTests(ChatPageFixture fixture)
{
    private const string Weather =
        "おはようございます！新潟の今日の天気は、私にはリアルタイムで確認できません。\n\n" +
        "最新の情報は次の方法で確認できます：\n\n" +
        "- **気象庁**の天気予報\n" +
        "- 天気アプリやニュースサイト\n\n" +
        "ほかに知りたいことがあれば、どうぞ。";

    private const string Code =
        "Python で挨拶するなら、こう書けます：\n\n" +
        "```python\n" +
        "def greet(name: str) -> str:\n" +
        "    return f\"こんにちは、{name}さん！\"\n\n" +
        "print(greet(\"新潟\"))\n" +
        "```\n\n" +
        "`greet` は名前を受け取り、挨拶の文字列を返します。";

    // A plain test run keeps its screenshots with the test output, so it never dirties the working tree;
    // CHATBEDROCK_UPDATE_SCREENSHOTS=1 retakes the README's.
    private static readonly string Folder = Environment.GetEnvironmentVariable("CHATBEDROCK_UPDATE_SCREENSHOTS") == "1"
        ? Path.Combine(DynaliteServer.RepositoryRoot(), "docs", "screenshots")
        : Path.Combine(AppContext.BaseDirectory, "screenshots");

    [Fact]
    public async Task Conversation_AtDesktopAndPhoneWidth()
    {
        await using var desktop = await fixture.OpenAsync();
        fixture.Model.Answer("Lambda は、サーバーを用意せずにコードを実行できる AWS のサービスです。");
        await desktop.SendAsync("Lambda とは何ですか？");
        await desktop.Page.Locator("#new-chat").ClickAsync();
        fixture.Model.Answer(Weather);
        await desktop.SendAsync("おはようございます。今日の新潟の天気はどうですか？");
        fixture.Model.Answer(Code);
        await desktop.SendAsync("Python で挨拶する関数を書いてください");
        await Expect(desktop.Page.Locator(".code-block")).ToHaveCountAsync(1);
        await Expect(desktop.Page.Locator("#status")).ToBeVisibleAsync();

        Directory.CreateDirectory(Folder);
        await desktop.Page.ScreenshotAsync(new() { Path = Path.Combine(Folder, "chat-desktop.png") });

        await using var phone = await fixture.OpenAsync(phone: true, path: $"/?session={Uri.EscapeDataString(desktop.SessionId!)}", savedChatsOf: desktop);
        await Expect(phone.Answers).ToHaveCountAsync(2);
        await Expect(phone.Page.Locator("#status")).ToBeVisibleAsync();
        await phone.Page.Locator("#messages").EvaluateAsync("box => box.scrollTop = box.scrollHeight");
        await phone.Page.ScreenshotAsync(new() { Path = Path.Combine(Folder, "chat-phone.png") });

        File.Exists(Path.Combine(Folder, "chat-desktop.png")).Should().BeTrue();
        File.Exists(Path.Combine(Folder, "chat-phone.png")).Should().BeTrue();
        desktop.Errors.Should().BeEmpty();
        phone.Errors.Should().BeEmpty();
    }
}
