using System.Text.RegularExpressions;
using ChatBedrock.Domain;
using Microsoft.Extensions.Logging;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>Turns Bedrock's error types (from HTTP responses and stream exception frames) into <see cref="ChatException"/>s.</summary>
internal static partial class BedrockErrors
{
    /// <summary>
    /// The error type of <c>x-amzn-ErrorType</c> or a body's <c>__type</c>: the part before ':' and after '#',
    /// e.g. "ValidationException" from "com.amazon.coral.validate#ValidationException:http://internal.amazon.com/...".
    /// </summary>
    public static string? ParseType(string? raw)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        var type = raw.AsSpan();
        var colon = type.IndexOf(':');
        if (colon >= 0)
        {
            type = type[..colon];
        }

        var hash = type.LastIndexOf('#');
        return type[(hash + 1)..].Trim().ToString() is { Length: > 0 } name ? name : null;
    }

    /// <summary>
    /// Maps an error type (stream frames spell it in camel case, "throttlingException"), else the HTTP status,
    /// to a code. Messages reach anonymous clients, so AWS's own message (it can name the account and the role)
    /// is logged, not kept; only a ValidationException's is kept, with ARNs and account ids removed, because it
    /// is the one that tells a user what to change (e.g. "use an inference profile").
    /// </summary>
    public static ChatException Map(ILogger logger, string? type, int? status, string? awsMessage, string modelId, string? region, TimeSpan? retryAfter = null)
    {
        var kind = Classify(type, status);
        if (!string.IsNullOrWhiteSpace(awsMessage))
        {
            LogAwsError(logger, modelId, type ?? (status is null ? "stream error" : $"HTTP {status}"), awsMessage.Trim());
        }

        var where = region is null ? $"model {modelId}" : $"model {modelId} in {region}";
        switch (kind)
        {
            case Kind.Throttled:
                var message = $"Bedrock throttled the call to {where} ({type ?? "HTTP 429"}); retry later, or ask for a higher quota or use a cross-region inference profile.";
                return retryAfter is { } wait
                    ? new ChatException(ChatErrorCode.ModelThrottled, message, wait)
                    : new ChatException(ChatErrorCode.ModelThrottled, message);
            case Kind.AccessDenied:
                return new ChatException(ChatErrorCode.ModelAccessDenied,
                    $"Bedrock denied access to {where}. Either model access is not granted for this account in that region " +
                    "(Bedrock console, Model access), or the IAM identity lacks bedrock:InvokeModel / " +
                    $"bedrock:InvokeModelWithResponseStream on the model (and on the inference profile, if one is used).");
            case Kind.CredentialsRejected:
                return new ChatException(ChatErrorCode.ModelAccessDenied,
                    $"Bedrock rejected the credentials ({type}). Check the access key, secret key and session token or the API key, " +
                    $"that they have not expired, and the machine's clock.");
            case Kind.NotFound:
                return new ChatException(ChatErrorCode.ModelNotFound,
                    $"Bedrock does not know the {where}. Check the model id in the Bedrock console's model catalog, " +
                    "and that the model is offered in that region.");
            case Kind.Invalid:
                var said = string.IsNullOrWhiteSpace(awsMessage) ? "" : $" AWS said: {Redact(awsMessage.Trim())}";
                return new ChatException(ChatErrorCode.ModelInvalidRequest, $"Bedrock rejected the request to {where}.{said}");
            default:
                return new ChatException(ChatErrorCode.ModelUnavailable,
                    $"Bedrock's {where} failed ({type ?? (status is null ? "stream error" : $"HTTP {status}")}).");
        }
    }

    /// <summary>Removes ARNs and 12-digit account ids, which AWS may put in any message.</summary>
    internal static string Redact(string awsMessage) =>
        AccountId().Replace(Arn().Replace(awsMessage, "(an ARN)"), "(an account id)");

    [GeneratedRegex(@"\barn:aws[a-z-]*:[^\s""',;]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Arn();

    [GeneratedRegex(@"(?<!\d)\d{12}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex AccountId();

    [LoggerMessage(4, LogLevel.Warning, "Bedrock model {ModelId} answered {ErrorType}: {AwsMessage}")]
    private static partial void LogAwsError(ILogger logger, string modelId, string errorType, string awsMessage);

    private static Kind Classify(string? type, int? status)
    {
        switch (type?.ToUpperInvariant())
        {
            case "THROTTLINGEXCEPTION" or "SERVICEQUOTAEXCEEDEDEXCEPTION" or "MODELNOTREADYEXCEPTION" or "TOOMANYREQUESTSEXCEPTION":
                return Kind.Throttled;
            case "VALIDATIONEXCEPTION":
                return Kind.Invalid;
            case "ACCESSDENIEDEXCEPTION":
                return Kind.AccessDenied;
            case "UNRECOGNIZEDCLIENTEXCEPTION" or "INVALIDSIGNATUREEXCEPTION" or "SIGNATUREDOESNOTMATCH" or "EXPIREDTOKENEXCEPTION"
                or "INCOMPLETESIGNATUREEXCEPTION" or "MISSINGAUTHENTICATIONTOKENEXCEPTION" or "INVALIDCLIENTTOKENID":
                return Kind.CredentialsRejected;
            case "RESOURCENOTFOUNDEXCEPTION":
                return Kind.NotFound;
            case "MODELTIMEOUTEXCEPTION" or "MODELERROREXCEPTION" or "MODELSTREAMERROREXCEPTION" or "INTERNALSERVEREXCEPTION"
                or "SERVICEUNAVAILABLEEXCEPTION":
                return Kind.Unavailable;
        }

        return status switch
        {
            429 => Kind.Throttled,
            403 => Kind.AccessDenied,
            404 => Kind.NotFound,
            >= 400 and < 500 => Kind.Invalid,
            _ => Kind.Unavailable,
        };
    }

    private enum Kind
    {
        Throttled,
        Invalid,
        AccessDenied,
        CredentialsRejected,
        NotFound,
        Unavailable,
    }
}
