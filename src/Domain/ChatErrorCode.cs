namespace ChatBedrock.Domain;

/// <summary>Machine-readable reason carried by every <see cref="ChatException"/>.</summary>
/// <remarks>The names are part of the public contract: hosts expose them as error types.</remarks>
public enum ChatErrorCode
{
    /// <summary>The input text is absent, empty or whitespace only.</summary>
    InputMissing,

    /// <summary>The input text is longer than the configured maximum.</summary>
    InputTooLong,

    /// <summary>The input text is not valid Unicode (it contains a lone surrogate).</summary>
    InputInvalid,

    /// <summary>A client-supplied session id breaks the session-id rule.</summary>
    SessionIdInvalid,

    /// <summary>The request itself is malformed (bad JSON, wrong types, bad encoding).</summary>
    RequestInvalid,

    /// <summary>The request body is larger than the host accepts.</summary>
    RequestTooLarge,

    /// <summary>The model throttled the call (quota or rate); retrying later may succeed.</summary>
    ModelThrottled,

    /// <summary>The model rejected the request as invalid (e.g. a model that needs an inference profile).</summary>
    ModelInvalidRequest,

    /// <summary>The caller may not use the model (model access not granted, or IAM denies it).</summary>
    ModelAccessDenied,

    /// <summary>The model id is unknown in the configured region.</summary>
    ModelNotFound,

    /// <summary>The model failed or is unavailable after retries.</summary>
    ModelUnavailable,

    /// <summary>The model did not answer before the deadline.</summary>
    ModelTimeout,

    /// <summary>No model can be used because none is configured (e.g. no credentials).</summary>
    ModelNotConfigured,

    /// <summary>The conversation store cannot be used (missing table, denied, throttled, unreachable).</summary>
    StoreUnavailable,

    /// <summary>The session has no stored turn where one is needed (e.g. to regenerate its last answer).</summary>
    SessionNotFound,

    /// <summary>The session's last turn changed meanwhile (another turn arrived); read it again and retry.</summary>
    TurnChanged,
    /// <summary>A browser on another site sent a request that runs a turn or reads or changes a session.</summary>
    CrossSiteRequestRefused,

    /// <summary>The request body is not of a media type the host reads (a turn's body must be <c>application/json</c>).</summary>
    UnsupportedMediaType,

    /// <summary>The host is at its limit of concurrent work; retrying later may succeed.</summary>
    ServerBusy,
    /// <summary>A page size (<c>limit</c>) that is not a whole number from 1 to the maximum.</summary>
    LimitInvalid,

    /// <summary>A paging cursor (<c>before</c>) that no answer handed out.</summary>
    CursorInvalid,

    /// <summary>An idempotency key (<c>Idempotency-Key</c> or <c>request_id</c>) that is not 1–128 printable ASCII characters.</summary>
    RequestIdInvalid,

    /// <summary>An idempotency key that a stored turn of the session already used for other input.</summary>
    RequestIdReused,
}
