using System.Text.RegularExpressions;
using ChatBedrock.Hosting;
using Microsoft.AspNetCore.Connections;

namespace ChatBedrock.Hosts.Local;

/// <summary>
/// The command (<c>dotnet run</c>, the executable): help, or the host until it stops. What stops it at start is said
/// in one line on standard error with a non-zero exit code, never as a stack trace.
/// </summary>
internal static partial class LocalCommand
{
    public const int Stopped = 0;
    public const int InvalidSettings = 2;
    public const int CannotListen = 3;

    // The generic host logs a failed start with its whole exception chain (about 3,000 characters for a busy port)
    // before the exception reaches RunAsync. Start failures are told here instead; one this class does not know
    // still ends the process with its exception.
    private const string HostCategory = "Microsoft.Extensions.Hosting.Internal.Host";

    public static async Task<int> RunAsync(LocalHostOptions options, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (LocalHost.IsHelp(options.Args))
        {
            await output.WriteLineAsync(LocalHost.Usage).ConfigureAwait(false);
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync(SettingsHelp.Text).ConfigureAwait(false);
            return Stopped;
        }

        var configure = options.ConfigureServices;
        options = options with
        {
            ConfigureServices = services =>
            {
                services.AddLogging(logging => logging.AddFilter(HostCategory, LogLevel.Critical));
                configure?.Invoke(services);
            },
        };

        try
        {
            var app = await LocalHost.BuildAsync(options, CancellationToken.None).ConfigureAwait(false);
            await using (app.ConfigureAwait(false))
            {
                await app.RunAsync().ConfigureAwait(false);
            }

            return Stopped;
        }
        catch (ChatConfigurationException invalid)
        {
            await error.WriteLineAsync(invalid.Message).ConfigureAwait(false);
            return InvalidSettings;
        }
        catch (IOException busy) when (busy.InnerException is AddressInUseException)
        {
            await error.WriteLineAsync(AddressInUse(busy.Message)).ConfigureAwait(false);
            return CannotListen;
        }
    }

    /// <summary>One line: which address is taken, and how to choose another.</summary>
    internal static string AddressInUse(string kestrelMessage)
    {
        var address = BindFailure().Match(kestrelMessage) is { Success: true } match ? match.Groups["url"].Value : null;
        if (address is null || !Uri.TryCreate(address, UriKind.Absolute, out var url))
        {
            return $"{kestrelMessage} Is ChatBedrock already running? Choose another address with --urls, e.g. --urls http://127.0.0.1:5050";
        }

        var other = new UriBuilder(url) { Port = url.Port == 5050 ? 5051 : 5050 }.Uri.ToString().TrimEnd('/');
        return $"Port {url.Port} is already in use ({url.ToString().TrimEnd('/')}): is ChatBedrock already running? " +
            $"Stop it, or start on another port with --urls {other}";
    }

    // Kestrel: "Failed to bind to address http://127.0.0.1:5000: address already in use."
    [GeneratedRegex(@"address (?<url>\S+?): address already in use", RegexOptions.IgnoreCase)]
    private static partial Regex BindFailure();
}
