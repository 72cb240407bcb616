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
    /// the chat page is served by the same origin and needs none.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];
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

        foreach (var origin in options.AllowedOrigins)
        {
            if (!Cors.IsValidOrigin(origin))
            {
                failures.Add($"{ChatHttpOptions.SectionName}:{nameof(options.AllowedOrigins)} holds '{origin}', which is neither '*' nor an origin such as https://chat.example.com.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
