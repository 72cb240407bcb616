using System.Net;
using ChatBedrock.Domain;

namespace ChatBedrock.Adapters.ExtensionsAI;

/// <summary>
/// How an <c>IChatClient</c>'s failures become <see cref="ChatException"/>s. A <see cref="ChatException"/> passes as it
/// is (a ChatBedrock model behind MEAI middleware keeps its code), and so does cancellation by the caller's token.
/// Otherwise the exception and its inner exceptions are searched: a <see cref="TimeoutException"/> is
/// <see cref="ChatErrorCode.ModelTimeout"/>; an <see cref="HttpRequestException"/> with a status is mapped by
/// <see cref="FromStatus"/>. A cancellation the caller did not ask for is a client's own deadline
/// (<see cref="ChatErrorCode.ModelTimeout"/>); anything else is <see cref="ChatErrorCode.ModelUnavailable"/>.
/// Provider SDKs that throw their own types without an <see cref="HttpRequestException"/> inside therefore map to
/// <see cref="ChatErrorCode.ModelUnavailable"/>.
/// </summary>
internal static class ChatClientErrors
{
    /// <summary>The exception to throw instead of <paramref name="error"/>, or null to let it pass unchanged.</summary>
    public static ChatException? Classify(Exception error, CancellationToken cancellationToken)
    {
        if (error is ChatException || (error is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        var (code, what) = Code(error);
        return new ChatException(code, $"The chat client failed: {what}.", error);
    }

    /// <summary>429 → throttled; 401, 403 → access denied; 404 → not found; 400 → invalid request; any other → unavailable.</summary>
    public static ChatErrorCode FromStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.TooManyRequests => ChatErrorCode.ModelThrottled,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => ChatErrorCode.ModelAccessDenied,
        HttpStatusCode.NotFound => ChatErrorCode.ModelNotFound,
        HttpStatusCode.BadRequest => ChatErrorCode.ModelInvalidRequest,
        _ => ChatErrorCode.ModelUnavailable,
    };

    private static (ChatErrorCode Code, string What) Code(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case TimeoutException:
                    return (ChatErrorCode.ModelTimeout, "it timed out");
                case HttpRequestException { StatusCode: { } status }:
                    return (FromStatus(status), $"HTTP {(int)status}");
            }
        }

        return error is OperationCanceledException
            ? (ChatErrorCode.ModelTimeout, "it was cancelled by its own deadline")
            : (ChatErrorCode.ModelUnavailable, error.GetType().Name);
    }
}
