using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.Bedrock;

/// <summary>Turns Bedrock's error types (from HTTP responses and stream exception frames) into <see cref="ChatException"/>s.</summary>
internal static class BedrockErrors
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
    /// to a code; AWS's own message is kept so a user learns what AWS said.
    /// </summary>
    public static ChatException Map(string? type, int? status, string? awsMessage, string modelId, string? region, TimeSpan? retryAfter = null)
    {
        var said = string.IsNullOrWhiteSpace(awsMessage) ? "" : $" AWS said: {awsMessage.Trim()}";
        var where = region is null ? $"model {modelId}" : $"model {modelId} in {region}";
        switch (Classify(type, status))
        {
            case Kind.Throttled:
                var message = $"Bedrock throttled the call to {where} ({type ?? "HTTP 429"}); retry later, or ask for a higher quota or use a cross-region inference profile.{said}";
                return retryAfter is { } wait
                    ? new ChatException(ChatErrorCode.ModelThrottled, message, wait)
                    : new ChatException(ChatErrorCode.ModelThrottled, message);
            case Kind.AccessDenied:
                return new ChatException(ChatErrorCode.ModelAccessDenied,
                    $"Bedrock denied access to {where}. Either model access is not granted for this account in that region " +
                    "(Bedrock console, Model access), or the IAM identity lacks bedrock:InvokeModel / " +
                    $"bedrock:InvokeModelWithResponseStream on the model (and on the inference profile, if one is used).{said}");
            case Kind.CredentialsRejected:
                return new ChatException(ChatErrorCode.ModelAccessDenied,
                    $"Bedrock rejected the credentials ({type}). Check the access key, secret key and session token or the API key, " +
                    $"that they have not expired, and the machine's clock.{said}");
            case Kind.NotFound:
                return new ChatException(ChatErrorCode.ModelNotFound,
                    $"Bedrock does not know the {where}. Check the model id in the Bedrock console's model catalog, " +
                    $"and that the model is offered in that region.{said}");
            case Kind.Invalid:
                return new ChatException(ChatErrorCode.ModelInvalidRequest, $"Bedrock rejected the request to {where}.{said}");
            default:
                return new ChatException(ChatErrorCode.ModelUnavailable,
                    $"Bedrock's {where} failed ({type ?? (status is null ? "stream error" : $"HTTP {status}")}).{said}");
        }
    }

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
