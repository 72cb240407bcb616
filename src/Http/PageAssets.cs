using System.Collections.Frozen;

namespace ChatBedrock.Http;

/// <summary>The chat page's files, embedded from wwwroot/: index.html is served at <c>/</c>, any other file X at <c>/assets/X</c>.</summary>
internal static class PageAssets
{
    private const string Prefix = "wwwroot/";

    private static readonly Lazy<FrozenDictionary<string, Asset>> All = new(Load);

    public static Asset Page => All.Value["/"];

    /// <summary>Finds the asset served at <paramref name="path"/> (a raw request path).</summary>
    public static bool TryGet(string path, out Asset asset) => All.Value.TryGetValue(path, out asset!);

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(PageAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            var file = name.Replace('\\', '/');
            if (!file.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            file = file[Prefix.Length..];
            using var stream = assembly.GetManifestResourceStream(name)!;
            var content = new byte[stream.Length];
            stream.ReadExactly(content);
            var isPage = file == "index.html";
            // The page must pick up a new deployment at once; assets may be cached briefly.
            assets[isPage ? "/" : "/assets/" + file] = new Asset(content, ContentType(file), isPage ? "no-cache" : "public, max-age=300");
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string file) => Path.GetExtension(file).ToUpperInvariant() switch
    {
        ".HTML" or ".HTM" => "text/html; charset=utf-8",
        ".JS" or ".MJS" => "text/javascript; charset=utf-8",
        ".CSS" => "text/css; charset=utf-8",
        ".JSON" or ".MAP" => "application/json; charset=utf-8",
        ".SVG" => "image/svg+xml",
        ".PNG" => "image/png",
        ".ICO" => "image/x-icon",
        ".WEBP" => "image/webp",
        ".WOFF2" => "font/woff2",
        ".TXT" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    public sealed record Asset(byte[] Content, string ContentType, string CacheControl);
}
