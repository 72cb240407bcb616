using ChatBedrock.Domain;

namespace ChatBedrock.Http;

/// <summary>
/// An error as clients see it: a status, a stable type (a <see cref="ChatErrorCode"/> name, or
/// <see cref="NotFoundType"/>, <see cref="MethodNotAllowedType"/>, <see cref="InternalErrorType"/>) and a
/// message that never carries internal detail. <see cref="From"/> is the one place where failures become statuses.
/// </summary>
public sealed record ChatHttpError(int StatusCode, string Type, string Message, TimeSpan? RetryAfter = null)
{
    public const string NotFoundType = "NotFound";
    public const string MethodNotAllowedType = "MethodNotAllowed";
    public const string InternalErrorType = "InternalError";

    /// <summary>What a client is told when the request is throttled but the model gave no delay.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Maps a failure. <paramref name="cancellationToken"/> is the request's: a cancellation it caused means the
    /// deadline passed, which is a model timeout; any other unexpected exception is a generic internal error.
    /// </summary>
    public static ChatHttpError From(Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception switch
        {
            ChatException chat => FromChat(chat),
            OperationCanceledException when cancellationToken.IsCancellationRequested =>
                new(504, nameof(ChatErrorCode.ModelTimeout), "The model did not answer before the deadline."),
            _ => Internal(),
        };
    }

    private static ChatHttpError FromChat(ChatException exception) => exception.Code switch
    {
        ChatErrorCode.InputMissing or ChatErrorCode.InputInvalid or ChatErrorCode.SessionIdInvalid
            or ChatErrorCode.RequestInvalid or ChatErrorCode.ModelInvalidRequest => Expose(400, exception),
        ChatErrorCode.CrossSiteRequestRefused => Expose(403, exception),
        ChatErrorCode.LimitInvalid or ChatErrorCode.CursorInvalid or ChatErrorCode.RequestIdInvalid => Expose(400, exception),
        ChatErrorCode.RequestIdReused => Expose(409, exception),
        ChatErrorCode.InputTooLong or ChatErrorCode.RequestTooLarge => Expose(413, exception),
        ChatErrorCode.UnsupportedMediaType => Expose(415, exception),
        ChatErrorCode.ModelThrottled => Expose(429, exception) with { RetryAfter = exception.RetryAfter ?? DefaultRetryAfter },
        ChatErrorCode.ModelAccessDenied or ChatErrorCode.ModelNotFound or ChatErrorCode.ModelUnavailable => Expose(502, exception),
        // Not an upstream failure but this deployment's own configuration: the service is unavailable until fixed.
        ChatErrorCode.ModelNotConfigured or ChatErrorCode.StoreUnavailable => Expose(503, exception),
        ChatErrorCode.ServerBusy => Expose(503, exception) with { RetryAfter = exception.RetryAfter ?? DefaultRetryAfter },
        ChatErrorCode.ModelTimeout => Expose(504, exception),
        ChatErrorCode.SessionNotFound => Expose(404, exception),
        ChatErrorCode.TurnChanged => Expose(409, exception),
        _ => Internal(),
    };

    /// <summary>Nothing is at the path.</summary>
    internal static ChatHttpError NotFound(string message = "There is nothing at this path.") => new(404, NotFoundType, message);

    /// <summary>The path takes other methods, listed in <paramref name="allow"/>.</summary>
    internal static ChatHttpError MethodNotAllowed(string allow) => new(405, MethodNotAllowedType, $"This path accepts {allow}.");

    /// <summary>A failure the client learns nothing more about.</summary>
    internal static ChatHttpError Internal() => new(500, InternalErrorType, "An internal error occurred.");

    // ChatException messages are written for callers (no secrets, no stack); they are shown as they are.
    private static ChatHttpError Expose(int status, ChatException exception) => new(status, exception.Code.ToString(), exception.Message);
}
