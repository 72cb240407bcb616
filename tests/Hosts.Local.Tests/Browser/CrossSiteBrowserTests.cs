using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Hosts.Local.Tests.Browser;

/// <summary>
/// A page of another loopback origin (another port: the same site, another program) tries everything a page can
/// without the user's help (issue 12, point 1): an image, a form post, fetch with and without CORS, and a frame.
/// Chromium sends its real Fetch Metadata; the host must spend no model call, delete nothing, and refuse the frame.
/// </summary>
[Collection(InChromium.Name)]
public sealed class CrossSiteBrowserTests(ChatPageFixture fixture)
{
    // Another port of the same loopback address (nothing listens there): another origin, the same site. Playwright serves the page for it.
    private const string AttackerOrigin = "http://127.0.0.1:47211";

    [Fact]
    public async Task PageOfAnotherLoopbackOrigin_SpendsNoModelCall_DeletesNothing_AndCannotFrameTheChat()
    {
        var target = fixture.Address.ToString().TrimEnd('/');
        var seeded = await fixture.Client.PostAsJsonAsync("/", new { input_text = "keep me", session_id = "cross-site-victim" }, TestContext.Current.CancellationToken);
        seeded.EnsureSuccessStatusCode();
        var calls = fixture.Model.Requests.Count;
        var refusedBefore = Refused();

        // A real server on another loopback port: a page Playwright fulfilled itself would not count as a loopback
        // one, and chromium's local network rules would block its requests before the host could refuse them.
        await using var attacker = await StartAttackerAsync(AttackerPage(target));
        var context = await fixture.Browser.NewContextAsync();
        await using var _ = context;
        var page = await context.NewPageAsync();
        await page.GotoAsync(attacker.Urls.Single() + "/attack.html");
        await page.WaitForFunctionAsync("() => window.attackDone === true", null, new() { Timeout = 15_000 });

        var outcomes = await page.EvaluateAsync<string[]>("() => window.outcomes");
        var framed = await page.FrameLocator("#frame").Locator("#input").CountAsync();

        fixture.Model.Requests.Should().HaveCount(calls, $"no attempt may reach the model ({string.Join("; ", outcomes)})");
        (await fixture.Client.GetAsync("/sessions/cross-site-victim/messages", TestContext.Current.CancellationToken)).StatusCode
            .Should().Be(HttpStatusCode.OK, "nothing was deleted");
        framed.Should().Be(0, "the chat must not load in another site's frame");
        (Refused() - refusedBefore).Should().BeGreaterThanOrEqualTo(4, "the image, the form and the no-cors fetches reached the host and were refused");
        outcomes.Should().Contain(o => o.StartsWith("cors fetch: blocked", StringComparison.Ordinal), "the browser blocks what the preflight did not allow");
    }

    private static async Task<WebApplication> StartAttackerAsync(string html)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(html);
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }

    private int Refused() => fixture.Host.Log.Count(l => l.Contains("403 CrossSiteRequestRefused", StringComparison.Ordinal));

    private static string AttackerPage(string target) => $$"""
        <!doctype html>
        <html><body>
        <iframe id="frame" src="{{target}}/"></iframe>
        <iframe name="sink"></iframe>
        <form id="form" method="POST" action="{{target}}/" enctype="text/plain" target="sink">
          <input name='{"input_text": "form post", "x": "' value='"}'>
        </form>
        <script>
          window.outcomes = [];
          const note = (what) => window.outcomes.push(what);
          const image = new Promise((done) => {
            const img = new Image();
            img.onload = () => { note("image: loaded"); done(); };
            img.onerror = () => { note("image: error"); done(); };
            img.src = "{{target}}/?input_text=image";
          });
          const form = new Promise((done) => {
            document.querySelector("iframe[name=sink]").addEventListener("load", () => { note("form: posted"); done(); }, { once: true });
            document.getElementById("form").submit();
          });
          const frame = new Promise((done) => {
            document.getElementById("frame").addEventListener("load", () => done(), { once: true });
            setTimeout(done, 5000);
          });
          const attempt = (name, url, init) => fetch(url, init).then(
            (r) => note(`${name}: status ${r.status} (${r.type})`),
            (e) => note(`${name}: blocked ${e}`));
          Promise.all([
            image, form, frame,
            attempt("no-cors fetch", "{{target}}/", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain" }, body: '{"input_text": "no-cors"}' }),
            attempt("no-cors stream fetch", "{{target}}/", { method: "POST", mode: "no-cors", headers: { "content-type": "text/plain", accept: "text/event-stream" }, body: '{"input_text": "no-cors stream"}' }),
            attempt("no-cors read", "{{target}}/sessions/cross-site-victim/messages", { mode: "no-cors" }),
            attempt("cors fetch", "{{target}}/", { method: "POST", headers: { "content-type": "application/json" }, body: '{"input_text": "cors"}' }),
            attempt("cors delete", "{{target}}/sessions/cross-site-victim", { method: "DELETE" }),
          ]).then(() => { window.attackDone = true; });
        </script>
        </body></html>
        """;
}
