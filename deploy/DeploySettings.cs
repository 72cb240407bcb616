using System.Globalization;
using Amazon.CDK.AWS.Lambda;
using Constructs;

namespace ChatBedrock.Deploy;

/// <summary>The history table's layout, as the Lambda host's <c>CHAT_HISTORY_LAYOUT</c> names it.</summary>
internal enum StoreLayout
{
    /// <summary>LangChain's table: one item per session, partition key <c>SessionId</c>.</summary>
    LangChain,

    /// <summary>One item per turn: partition key <c>SessionId</c>, numeric sort key <c>Turn</c>.</summary>
    Turns,
}

/// <summary>
/// What one deployment is made of, read from the CDK context (defaults in deploy/cdk.json, overridden with
/// <c>-c key=value</c>). Every invalid value fails the synthesis with a message that names the context key.
/// </summary>
internal sealed record DeploySettings
{
    public required string CodeAsset { get; init; }

    public required string ModelId { get; init; }

    /// <summary>The Region of the Bedrock endpoint; <see langword="null"/> means the stack's own Region.</summary>
    public string? ModelRegion { get; init; }

    /// <summary>Destination Regions of an inference profile that replace those of inference-profiles.json.</summary>
    public IReadOnlyList<string> ModelRegions { get; init; } = [];

    public required FunctionUrlAuthType AuthType { get; init; }

    public IReadOnlyList<string> AllowedOrigins { get; init; } = [];

    public required StoreLayout StoreLayout { get; init; }

    public required string TableName { get; init; }

    public required int MemorySize { get; init; }

    public required int ReservedConcurrency { get; init; }

    /// <summary>Host settings passed through as <c>CHAT_*</c> variables only when set; the host owns their defaults.</summary>
    public IReadOnlyDictionary<string, string> HostSettings { get; init; } = new Dictionary<string, string>();

    /// <summary>Optional context keys and the Lambda host variable each one sets.</summary>
    private static readonly IReadOnlyList<(string Key, string Variable, Func<string, bool> IsValid, string Expected)> PassThrough =
    [
        ("maxTokens", "CHAT_MAX_TOKENS", IsPositiveInteger, "a positive whole number"),
        ("temperature", "CHAT_TEMPERATURE", v => decimal.TryParse(v, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _), "a number such as 0.5"),
        ("systemPrompt", "CHAT_SYSTEM_PROMPT", _ => true, "any text"),
        ("storeTtlSeconds", "CHAT_STORE_TTL_SECONDS", IsPositiveInteger, "a positive whole number of seconds"),
        ("maxInputChars", "CHAT_MAX_INPUT_CHARS", IsPositiveInteger, "a positive whole number"),
    ];

    public static DeploySettings FromContext(Node node, string appDirectory)
    {
        ArgumentNullException.ThrowIfNull(node);

        var reader = new ContextReader(node);
        var hostSettings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, variable, isValid, expected) in PassThrough)
        {
            var key = Named(reader, name);
            if (reader.Optional(key) is { } value)
            {
                hostSettings[variable] = isValid(value) ? value : throw Invalid(key, value, expected);
            }
        }

        var layoutKey = Named(reader, "storeLayout");

        return new DeploySettings
        {
            CodeAsset = CodeAssetPath(reader.Required("codeAsset"), appDirectory),
            ModelId = reader.Required("modelId"),
            ModelRegion = reader.Optional("modelRegion"),
            ModelRegions = reader.List("modelRegions"),
            AuthType = reader.Required("authType") switch
            {
                "NONE" => FunctionUrlAuthType.NONE,
                "AWS_IAM" => FunctionUrlAuthType.AWS_IAM,
                var other => throw Invalid("authType", other, "NONE or AWS_IAM"),
            },
            AllowedOrigins = Origins(reader.List("allowedOrigins")),
            StoreLayout = reader.Required(layoutKey) switch
            {
                "langchain" => StoreLayout.LangChain,
                "turns" => StoreLayout.Turns,
                var other => throw Invalid(layoutKey, other, "langchain or turns"),
            },
            TableName = reader.Required("tableName"),
            // Lambda's own limits: 128 MB to 10,240 MB.
            MemorySize = reader.Integer("memorySize", 128, 10_240),
            // At least 1: 0 would throttle every request; Lambda rejects caps above the account's quota at deploy time.
            ReservedConcurrency = reader.Integer("reservedConcurrency", 1, 100_000),
            HostSettings = hostSettings,
        };
    }

    /// <summary>
    /// Keys renamed for ADR 0005 (<c>historyLayout</c>, <c>historyTtlSeconds</c>) are still read: cdk.json holds only the
    /// new key's default, so an old key can only have been given on purpose (<c>-c historyLayout=turns</c>) and wins.
    /// </summary>
    private static string Named(ContextReader reader, string key)
    {
        var alias = key.Replace("store", "history", StringComparison.Ordinal);
        return reader.Optional(alias) is not null ? alias : key;
    }

    private static string CodeAssetPath(string value, string appDirectory)
    {
        var path = Path.GetFullPath(value, appDirectory);
        return File.Exists(path)
            ? path
            : throw new DeployConfigurationException(
                $"Context value 'codeAsset': the Lambda code {path} does not exist. Build it first with " +
                "`dotnet publish src/Hosts.Lambda -c Release -r linux-x64` (see the README), or pass -c codeAsset=PATH.");
    }

    private static string[] Origins(IReadOnlyList<string> origins)
    {
        foreach (var origin in origins)
        {
            var valid = origin == "*"
                || (Uri.TryCreate(origin, UriKind.Absolute, out var uri)
                    && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                    && uri.GetLeftPart(UriPartial.Authority) == origin);
            if (!valid)
            {
                throw Invalid("allowedOrigins", origin, "comma-separated origins such as https://chat.example.com (scheme and host, no path or trailing slash)");
            }
        }

        return [.. origins];
    }

    private static bool IsPositiveInteger(string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0;

    private static DeployConfigurationException Invalid(string key, string value, string expected) =>
        new($"Context value '{key}' must be {expected} (was '{value}').");

    /// <summary>Context values arrive as JSON values from cdk.json and as strings from <c>-c key=value</c>.</summary>
    private sealed class ContextReader(Node node)
    {
        public string? Optional(string key) =>
            Convert.ToString(node.TryGetContext(key), CultureInfo.InvariantCulture)?.Trim() is { Length: > 0 } value ? value : null;

        public string Required(string key) =>
            Optional(key) ?? throw new DeployConfigurationException($"Context value '{key}' is missing; deploy/cdk.json sets its default.");

        public string[] List(string key) =>
            Optional(key)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

        public int Integer(string key, int minimum, int maximum)
        {
            var value = Required(key);
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= minimum && number <= maximum
                ? number
                : throw Invalid(key, value, $"a whole number from {minimum} to {maximum}");
        }
    }
}

/// <summary>A context value the app cannot deploy with; the message names the key.</summary>
internal sealed class DeployConfigurationException(string message) : Exception(message);
