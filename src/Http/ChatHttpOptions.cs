using Microsoft.Extensions.Options;

namespace ChatBedrock.Http;

/// <summary>Settings of <see cref="ChatHttpHandler"/>.</summary>
public sealed class ChatHttpOptions
{
    /// <summary>The configuration section these options bind from.</summary>
    public const string SectionName = "Http";

    /// <summary>The largest request body accepted, in bytes (1 KiB to 6 MiB). Default 256 KiB.</summary>
    public int MaxRequestBodyBytes { get; set; } = 256 * 1024;

    /// <summary>
    /// Origins allowed by CORS, such as <c>https://chat.example.com</c>, or <c>*</c> for any. Empty by default:
    /// the chat page is served by the same origin and needs none. Pages of these origins may also run turns and
    /// use sessions (see <see cref="TrustedOrigins"/>).
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// Further origins whose pages may run turns and read or delete sessions although this handler sends them no
    /// CORS headers, because a layer in front of it does (a Function URL's CORS settings). Every other site's
    /// requests to those routes are refused with 403 <c>CrossSiteRequestRefused</c>.
    /// </summary>
    public IList<string> TrustedOrigins { get; } = [];

    /// <summary>
    /// How long an event stream waits for the model's first text before it ends with 504 <c>ModelTimeout</c>
    /// (1 s to 15 min). Default 60 s. The model's own timeout still bounds the whole answer.
    /// </summary>
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How many turns may run at once (0 to 100,000; 0: no limit, the default). Beyond it a turn is answered 503
    /// <c>ServerBusy</c> with <c>Retry-After</c> before the model is called.
    /// </summary>
    public int MaxConcurrentTurns { get; set; }

    /// <summary>
    /// The host names (lower case, no port; <c>*</c> for any) a request's <c>Host</c> may name; empty answers any.
    /// Against DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 sends <c>Host: evil.example</c>.
    /// Others get 400 <c>RequestInvalid</c>. The local host fills it (<c>--allowed-hosts</c>); a deployment needs none.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];
}

internal sealed class ChatHttpOptionsValidator : IValidateOptions<ChatHttpOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatHttpOptions options)
    {
        var failures = new List<string>();
        if (options.MaxRequestBodyBytes is < 1024 or > 6 * 1024 * 1024)
        {
            failures.Add($"{ChatHttpOptions.SectionName}:{nameof(options.MaxRequestBodyBytes)} must be 1024 to 6291456 (was {options.MaxRequestBodyBytes}).");
        }

        if (options.FirstByteTimeout < TimeSpan.FromSeconds(1) || options.FirstByteTimeout > TimeSpan.FromMinutes(15))
        {
            failures.Add($"{ChatHttpOptions.SectionName}:{nameof(options.FirstByteTimeout)} must be 00:00:01 to 00:15:00 (was {options.FirstByteTimeout}).");
        }

        if (options.MaxConcurrentTurns is < 0 or > 100_000)
        {
            failures.Add($"{ChatHttpOptions.SectionName}:{nameof(options.MaxConcurrentTurns)} must be 0 (no limit) to 100000 (was {options.MaxConcurrentTurns}).");
        }

        foreach (var (setting, origins, allowAny) in new[] { (nameof(options.AllowedOrigins), options.AllowedOrigins, true), (nameof(options.TrustedOrigins), options.TrustedOrigins, false) })
        {
            foreach (var origin in origins)
            {
                if (!Cors.IsValidOrigin(origin) || (!allowAny && origin == "*"))
                {
                    failures.Add(allowAny
                        ? $"{ChatHttpOptions.SectionName}:{setting} holds '{origin}', which is neither '*' nor an origin such as https://chat.example.com."
                        : $"{ChatHttpOptions.SectionName}:{setting} holds '{origin}', which is not an origin such as https://chat.example.com.");
                }
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
