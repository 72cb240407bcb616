// The API the page calls (HTTP-CONTRACT.md). Every request goes through request(): paths are relative to the page,
// so a host may serve it under a path prefix; a later sign-in adds its credentials there, once.
import { readEvents } from "./sse.js";
import { ChatError, errorFromResponse } from "./errors.js";

const sessionPath = (id) => `sessions/${encodeURIComponent(id)}`;

function request(path, init) {
  return fetch(new URL(`./${path}`, location.href), init);
}

async function ok(response) {
  if (!response.ok) throw await errorFromResponse(response);
  return response;
}

/**
 * Sends a turn (POST /) and yields its events as {type, data}: "start" (data.session_id), "delta" (data.text), and
 * last "done" (the reply: session_id, output_text). An "error" event, or a stream that ends without "done", throws
 * a ChatError. A JSON reply (a host that does not stream) yields "done" alone. requestId (Idempotency-Key) makes a
 * resend of the same turn answer from what the server stored instead of storing it twice.
 */
export function sendTurn({ input, sessionId, requestId }, signal) {
  return streamTurn("", sessionId ? { input_text: input, session_id: sessionId } : { input_text: input }, signal, requestId);
}

/**
 * Runs the chat's last turn again (POST sessions/{id}/turns/last): with input, the edited question; without, the same
 * question (regenerate). The new turn replaces the last one on the server. Events as sendTurn's.
 */
export function redoTurn({ sessionId, input }, signal) {
  return streamTurn(`${sessionPath(sessionId)}/turns/last`, input === undefined ? {} : { input_text: input }, signal);
}

async function* streamTurn(path, body, signal, requestId) {
  const headers = { "content-type": "application/json", accept: "text/event-stream" };
  if (requestId) headers["idempotency-key"] = requestId;
  const response = await ok(await request(path, {
    method: "POST",
    headers,
    body: JSON.stringify(body),
    signal,
  }));
  if (!(response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
    yield { type: "done", data: await response.json() };
    return;
  }
  for await (const event of readEvents(response.body)) {
    const data = parseData(event.data);
    if (event.type === "error") throw new ChatError(data.error?.type ?? "InternalError", data.error?.message ?? "");
    if (event.type === "start" || event.type === "delta") yield { type: event.type, data };
    if (event.type === "done") {
      yield { type: "done", data };
      return;
    }
  }
  throw new ChatError("Incomplete", "");
}

function parseData(data) {
  try {
    return JSON.parse(data) ?? {};
  } catch {
    throw new ChatError("InternalError", "The server sent an event the page cannot read.");
  }
}

/**
 * The chat's newest stored messages ({role, content, interrupted?}: interrupted marks an answer kept after a Stop); none (404)
 * for a chat whose first turn is not stored yet.
 */
export async function getMessages(id, signal) {
  return (await getMessagePage(id, {}, signal)).messages;
}

/**
 * One page of the chat's messages, oldest first: {messages, next}; next (a cursor, or null) is `before` for the
 * older page. Without before, the newest page; a chat with nothing stored is an empty page.
 */
export async function getMessagePage(id, { before, limit } = {}, signal) {
  const query = new URLSearchParams();
  if (before) query.set("before", before);
  if (limit) query.set("limit", String(limit));
  const suffix = query.size ? `?${query}` : "";
  const response = await request(`${sessionPath(id)}/messages${suffix}`, { headers: { accept: "application/json" }, signal });
  if (response.status === 404) return { messages: [], next: null };
  const page = await (await ok(response)).json();
  return { messages: page.messages ?? [], next: page.next ?? null };
}

/** Stores an exported chat ({format, version, messages}) as a new chat on the server; resolves to its id. */
export async function importChat(exported) {
  const response = await ok(await request("sessions/import", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(exported),
  }));
  return (await response.json()).session_id;
}

/** The chat's usage ({usage: {input_tokens, …, estimated_cost?}, models, summary?}); null for a chat with none (404). */
export async function getUsage(id, signal) {
  const response = await request(`${sessionPath(id)}/usage`, { headers: { accept: "application/json" }, signal });
  if (response.status === 404) return null;
  return (await ok(response)).json();
}

/** Deletes the chat on the server; one already gone (404) counts as deleted. */
export async function deleteSession(id) {
  const response = await request(sessionPath(id), { method: "DELETE" });
  if (response.status !== 404) await ok(response);
}

/** Which model and store answer ({model: {provider, model_id, ready, message}, store}); throws on any failure. */
export async function getStatus() {
  const response = await request("status", { headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(String(response.status));
  return response.json();
}
