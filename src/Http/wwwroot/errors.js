// What a failed turn tells the person: what happened, what to do, and whether Retry can help.
// Types are the API's error types (ChatErrorCode names) plus the page's own: Network, Stopped, Incomplete.

const RETRY_LATER = "Retry in a moment; if it keeps failing, check the server's log.";

const ADVICE = {
  ModelThrottled: {
    title: "The model is busy (throttled).",
    advice: (seconds) => `Wait ${seconds ? `about ${seconds} seconds` : "a few seconds"}, then retry.`,
  },
  ModelAccessDenied: {
    title: "This AWS account may not use the model.",
    advice: "In the Amazon Bedrock console, open “Model access” in the host's region and request access to the model; "
      + "also check that the IAM policy allows bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream. Then retry.",
  },
  ModelNotConfigured: {
    title: "The model is not ready.",
    // The server's message is shown once, in the status line at the top (status.js), not repeated here.
    advice: "The line at the top says why, and its Details say what to do. Retry once the model is ready.",
    detailInStatus: true,
  },
  ModelNotFound: {
    title: "The model id is unknown in this region.",
    advice: "Check the host's model id and region: the model must be offered in that region.",
  },
  ModelInvalidRequest: {
    title: "The model rejected the request.",
    advice: "Some models must be called through an inference profile id (one starting with “us.”, “eu.” or “apac.”). Check the host's model id.",
  },
  ModelUnavailable: { title: "The model failed to answer.", advice: RETRY_LATER },
  ModelTimeout: { title: "The model did not answer in time.", advice: "Retry; a shorter question may help." },
  StoreUnavailable: { title: "The chat history could not be read or saved.", advice: RETRY_LATER },
  InputTooLong: { title: "The message is too long.", advice: "Shorten it, then send it again.", retry: false },
  RequestTooLarge: { title: "The message is too long.", advice: "Shorten it, then send it again.", retry: false },
  InputMissing: { title: "The message is empty.", advice: "Type a message, then send it.", retry: false },
  InputInvalid: { title: "The message has characters that cannot be sent.", advice: "Remove them, then send it again.", retry: false },
  SessionIdInvalid: { title: "The server does not accept this chat's id.", advice: "Start a new chat.", retry: false },
  Network: {
    title: "Cannot reach the server.",
    advice: "Check the network connection (or that the host is still running), then retry.",
  },
  TurnChanged: {
    title: "The chat changed meanwhile.",
    advice: "Another answer arrived (from another tab?). Open the chat again to see it, then try again.",
    retry: false,
  },
  SessionNotFound: {
    title: "There is no answer to run again.",
    advice: "The server has no stored question and answer for this chat. Send a message instead.",
    retry: false,
  },
  Stopped: {
    title: "Stopped.",
    advice: "What arrived is kept in the chat, marked Stopped (a server that did not hear the Stop may still finish this answer and keep it). Retry answers the question again, or shows the finished answer.",
  },
  Incomplete: {
    title: "The answer was cut off.",
    advice: "The connection closed before the answer was complete; the server may still have kept it. Retry shows it, or asks again.",
  },
};

const UNKNOWN = { title: "Something went wrong on the server.", advice: RETRY_LATER };

/** A failed turn or request: the API's error type and message, and the seconds of Retry-After if any. */
export class ChatError extends Error {
  constructor(type, message, retryAfter) {
    super(message || type);
    this.type = type;
    this.retryAfter = retryAfter;
  }
}

/** Reads an API error response ({"error": {"type", "message"}}), whatever its body. */
export async function errorFromResponse(response) {
  const retryAfter = Number.parseInt(response.headers.get("retry-after") ?? "", 10) || undefined;
  try {
    const { error } = await response.json();
    return new ChatError(error?.type ?? `HTTP ${response.status}`, error?.message ?? "", retryAfter);
  } catch {
    return new ChatError(`HTTP ${response.status}`, response.statusText, retryAfter);
  }
}

/** {title, advice, retry, detail} for a ChatError; detail is the server's own message, if any. */
export function describe(error) {
  const known = ADVICE[error.type] ?? UNKNOWN;
  const advice = typeof known.advice === "function" ? known.advice(error.retryAfter) : known.advice;
  const detail = known.detailInStatus || error.message === error.type ? "" : error.message;
  return { title: known.title, advice, retry: known.retry !== false, detail };
}

/** Any failure as a ChatError: an abort (Stop) is "Stopped", anything not from the API (fetch failed) is "Network". */
export function asChatError(error) {
  if (error?.name === "AbortError") return new ChatError("Stopped", "");
  return error instanceof ChatError ? error : new ChatError("Network", "");
}
