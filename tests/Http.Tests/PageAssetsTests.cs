using System.Text.RegularExpressions;

namespace ChatBedrock.Http.Tests;

/// <summary>The chat page's ES modules (src/Http/wwwroot) as the handler serves them, the same for every host.</summary>
public sealed partial class PageAssetsTests : IDisposable
{
    private readonly HttpFixture _http = new();

    [Fact]
    public async Task EveryModuleThePageLoads_IsServedAsJavaScript_CachedLikeTheOtherAssets()
    {
        var modules = await ModulesOfThePageAsync();

        modules.Should().Contain(["app.js", "api.js", "chat.js", "turn.js", "view.js", "session-list.js", "markdown.js", "sse.js"]);
        foreach (var module in modules)
        {
            var (response, _) = await _http.SendAsync("GET", "/assets/" + module);
            response.StatusCode.Should().Be(200, module);
            response.Header("content-type").Should().Be("text/javascript; charset=utf-8", "a browser runs a module only with a JavaScript type ({0})", module);
            response.Header("cache-control").Should().Be("public, max-age=300", module);
        }
    }

    [Fact]
    public async Task EveryScriptInWwwroot_IsLoadedByThePage()
    {
        var scripts = typeof(PageAssets).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("wwwroot/", StringComparison.Ordinal) && n.EndsWith(".js", StringComparison.Ordinal))
            .Select(n => n["wwwroot/".Length..]);

        (await ModulesOfThePageAsync()).Should().BeEquivalentTo(scripts, "a script no module imports is dead code");
    }

    /// <summary>The page's module graph: index.html's module script and, from there, every relative import.</summary>
    private async Task<HashSet<string>> ModulesOfThePageAsync()
    {
        var (page, _) = await _http.SendAsync("GET", "/");
        var entry = ModuleScript().Match(page.Text);
        entry.Success.Should().BeTrue("index.html loads its script as a module");
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>([entry.Groups["file"].Value]);
        while (pending.TryDequeue(out var module))
        {
            if (!found.Add(module))
            {
                continue;
            }

            var (response, _) = await _http.SendAsync("GET", "/assets/" + module);
            response.StatusCode.Should().Be(200, "{0} is imported", module);
            foreach (Match import in RelativeImport().Matches(response.Text))
            {
                pending.Enqueue(import.Groups["file"].Value);
            }
        }

        return found;
    }

    [GeneratedRegex("""<script type="module" src="assets/(?<file>[^"]+)"></script>""")]
    private static partial Regex ModuleScript();

    // Static imports only (`import … from "./x.js"`, `import "./x.js"`): the page uses no dynamic import().
    [GeneratedRegex("""^import\s(?:[^;]*?\sfrom\s)?"\./(?<file>[^"]+)";""", RegexOptions.Multiline)]
    private static partial Regex RelativeImport();

    public void Dispose() => _http.Dispose();
}
