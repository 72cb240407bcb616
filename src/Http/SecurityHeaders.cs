namespace ChatBedrock.Http;

/// <summary>The headers every answer carries, whichever host sends it: no framing, no sniffing, no referrer.</summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// The chat page's policy: its own files only, nothing inline. wwwroot/index.html carries the same in a
    /// <c>meta</c> tag (a test keeps them equal) except <c>frame-ancestors</c>, which browsers honour only in a header.
    /// JSON answers get it too: one policy, and nothing they hold can run.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    public static void Add(List<KeyValuePair<string, string>> headers)
    {
        headers.Add(new("content-security-policy", ContentSecurityPolicy));
        headers.Add(new("x-frame-options", "DENY"));
        headers.Add(new("referrer-policy", "no-referrer"));
        headers.Add(new("x-content-type-options", "nosniff"));
    }
}
