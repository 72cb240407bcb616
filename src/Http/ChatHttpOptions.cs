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

    /// <summary>Which model answers, as <c>GET /status</c> reports it unless an <see cref="IModelStatus"/> is registered.</summary>
    public ModelStatus Model { get; set; } = new("unknown", string.Empty);

    /// <summary>Which history store is used, as <c>GET /status</c> reports it: <c>dynamodb</c>, <c>sqlite</c>, <c>memory</c>...</summary>
    public string Store { get; set; } = "memory";
}

/// <summary>What <c>GET /status</c> says of the model.</summary>
/// <param name="Provider">e.g. <c>bedrock</c> or <c>local</c>.</param>
/// <param name="ModelId">The model's id.</param>
/// <param name="Ready">False when the model cannot answer until something is configured.</param>
/// <param name="Message">When not ready, what to configure.</param>
public sealed record ModelStatus(string Provider, string ModelId, bool Ready = true, string? Message = null);

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

        if (options.Model is null || string.IsNullOrWhiteSpace(options.Model.Provider))
        {
            failures.Add($"{ChatHttpOptions.SectionName}:{nameof(options.Model)} must name a provider.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
