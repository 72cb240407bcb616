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
 * a ChatError. A JSON reply (a host that does not stream) yields "done" alone.
 */
export async function* sendTurn({ input, sessionId }, signal) {
  const response = await ok(await request("", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream" },
    body: JSON.stringify(sessionId ? { input_text: input, session_id: sessionId } : { input_text: input }),
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

/** The chat's stored messages ({role, content}); none (404) for a chat whose first turn is not stored yet. */
export async function getMessages(id, signal) {
  const response = await request(`${sessionPath(id)}/messages`, { headers: { accept: "application/json" }, signal });
  if (response.status === 404) return [];
  return (await (await ok(response)).json()).messages;
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
