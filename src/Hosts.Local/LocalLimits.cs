using System.Globalization;

namespace ChatBedrock.Hosts.Local;

/// <summary>
/// What the local host accepts: the Host names it answers to (DNS rebinding: a page of evil.example whose name
/// now points at 127.0.0.1 sends <c>Host: evil.example</c>), and how many connections and turns at once.
/// </summary>
/// <param name="Hosts">The names answered to, lower case without port; <c>*</c> for any.</param>
/// <param name="MaxConnections">Kestrel's cap on open connections; past it Kestrel closes new ones without an answer.</param>
/// <param name="MaxConcurrentTurns">Turns at once; past it 503 <c>ServerBusy</c> with <c>Retry-After</c>.</param>
internal sealed record LocalLimits(IReadOnlySet<string> Hosts, int MaxConnections, int MaxConcurrentTurns)
{
    public const string AllowedHostsVariable = "CHAT_ALLOWED_HOSTS";
    public const string MaxConnectionsVariable = "CHAT_MAX_CONNECTIONS";
    public const string MaxConcurrentTurnsVariable = "CHAT_MAX_CONCURRENT_TURNS";
    public const int DefaultMaxConnections = 100;
    public const int DefaultMaxConcurrentTurns = 16;

    /// <summary>Loopback names, always answered to.</summary>
    public static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>Reads the settings; <paramref name="problems"/> gets one line per bad value.</summary>
    public static LocalLimits Read(IConfiguration configuration, string urls, List<string> problems)
    {
        var hosts = new HashSet<string>(LoopbackNames, StringComparer.OrdinalIgnoreCase);
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (HostOf(url) is { } host && host is not ("0.0.0.0" or "[::]" or "*" or "+"))
            {
                hosts.Add(host);
            }
        }

        foreach (var name in (configuration[AllowedHostsVariable] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var valid = name == "*"
                || (name.StartsWith('[') && name.EndsWith(']') && Uri.CheckHostName(name[1..^1]) == UriHostNameType.IPv6)
                || Uri.CheckHostName(name) is UriHostNameType.Dns or UriHostNameType.IPv4;
            if (valid)
            {
                hosts.Add(name.ToLowerInvariant());
            }
            else
            {
                problems.Add($"--allowed-hosts ({AllowedHostsVariable}) holds '{name}', which is not a host name such as chat.example.lan (no scheme, no port).");
            }
        }

        return new LocalLimits(
            hosts,
            Number(MaxConnectionsVariable, "--max-connections", DefaultMaxConnections, 1, 100_000),
            Number(MaxConcurrentTurnsVariable, "--max-concurrent-turns", DefaultMaxConcurrentTurns, 1, 10_000));

        int Number(string variable, string option, int fallback, int min, int max)
        {
            var text = configuration[variable];
            if (string.IsNullOrWhiteSpace(text))
            {
                return fallback;
            }

            if (int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            problems.Add($"{option} ({variable}) must be a whole number from {min} to {max} (was '{text}').");
            return fallback;
        }
    }

    /// <summary>Whether a request's Host (without its port, as Kestrel parsed it) is one this host answers to.</summary>
    public bool Allows(string host) => host.Length > 0 && (Hosts.Contains("*") || Hosts.Contains(host));

    // "http://name:port/path" -> "name"; "http://[::1]:5000" -> "[::1]".
    private static string? HostOf(string url)
    {
        var start = url.IndexOf("://", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var authority = url[(start + 3)..].Split('/')[0];
        var end = authority.StartsWith('[') ? authority.IndexOf(']', StringComparison.Ordinal) + 1 : authority.LastIndexOf(':');
        return (end > 0 ? authority[..end] : authority).ToLowerInvariant();
    }
}
