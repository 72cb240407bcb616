// The chat page: sends turns as POST / with Server-Sent Events back, keeps this browser's chats in
// localStorage and the open chat's id in the URL (?session=), restores history from the API.
// It continues only chats whose id this server gave this browser (ADR 0045): never one named by a link.
import { renderMarkdown } from "./markdown.js";
import { readEvents } from "./sse.js";
import { ChatError, describe, errorFromResponse } from "./errors.js";

const SESSIONS_KEY = "chatbedrock.sessions";
const CURRENT_KEY = "chatbedrock.session";
const KEPT_SESSIONS = 200;
const KANA = /[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]/;

const ui = Object.fromEntries(["menu-toggle", "status", "new-chat", "sessions", "session-list", "sessions-empty", "notice",
  "messages", "welcome", "announcer", "composer", "input", "send", "stop"].map((id) => [id, document.getElementById(id)]));

let sessionId = null; // the open chat; null until the server mints an id for a new one
let turn = null; // the turn in flight, or the last one that failed: {input, user, answer, error, controller, text, before, unsure}
let loading = 0; // which history load is current, so a slow one cannot overwrite a later choice

// ---------------------------------------------------------------- API (relative: the page may sit under a path)

const api = (path) => new URL(`./${path}`, location.href);
const sessionPath = (id) => `sessions/${encodeURIComponent(id)}`;

// ---------------------------------------------------------------- this browser's chats (localStorage)

function readJson(key, fallback) {
  try {
    return JSON.parse(localStorage.getItem(key)) ?? fallback;
  } catch {
    return fallback;
  }
}

function writeStorage(key, value) {
  try {
    if (value === null) localStorage.removeItem(key);
    else localStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage off or full: the chat still works, only the list is not kept.
  }
}

const savedSessions = () => readJson(SESSIONS_KEY, []).filter((s) => typeof s?.id === "string");

/** Whether the server gave this id to this browser: only such chats are opened and continued. */
const isSaved = (id) => typeof id === "string" && savedSessions().some((s) => s.id === id);

/** Puts the chat first in the list, titled by its first message; with onlyIfNew, leaves a listed chat where it is. */
function rememberSession(id, firstMessage, { onlyIfNew = false } = {}) {
  const sessions = savedSessions();
  const known = sessions.find((s) => s.id === id);
  if (known && onlyIfNew) return;
  const entry = { id, title: known?.title || titleOf(firstMessage), updated: Date.now() };
  writeStorage(SESSIONS_KEY, [entry, ...sessions.filter((s) => s.id !== id)].slice(0, KEPT_SESSIONS));
  renderSessions();
}

function forgetSession(id) {
  writeStorage(SESSIONS_KEY, savedSessions().filter((s) => s.id !== id));
  renderSessions();
}

const titleOf = (text) => (text ?? "").replace(/\s+/g, " ").trim().slice(0, 80) || "Untitled chat";

function renderSessions() {
  const sessions = savedSessions();
  ui["sessions-empty"].hidden = sessions.length > 0;
  ui["session-list"].replaceChildren(...sessions.map(({ id, title }) => {
    const open = button(title, "session-open");
    open.title = title;
    if (id === sessionId) open.setAttribute("aria-current", "page");
    const remove = button("", "session-delete icon-button", `Delete chat: ${title}`);
    remove.append(icon("M6 7h12M10 7V5h4v2M8 7l1 12h6l1-12"));
    const item = document.createElement("li");
    item.dataset.sessionId = id;
    item.append(open, remove);
    return item;
  }));
}

// ---------------------------------------------------------------- the URL and the open chat

function showSession(id, { push }) {
  sessionId = id;
  writeStorage(CURRENT_KEY, id);
  const url = new URL(location.href);
  if (id) url.searchParams.set("session", id);
  else url.searchParams.delete("session");
  if (url.href !== location.href) history[push ? "pushState" : "replaceState"](null, "", url);
  const title = savedSessions().find((s) => s.id === id)?.title;
  document.title = title ? `${title} · ChatBedrock` : "ChatBedrock";
  renderSessions();
}

function newChat({ push = true } = {}) {
  stopTurn();
  turn = null;
  showSession(null, { push });
  clearMessages();
  ui.input.focus();
}

/** Opens one of this browser's chats; an id from anywhere else (a link) starts a new chat instead. */
async function openSession(id, { push = true } = {}) {
  if (!isSaved(id)) {
    newChat({ push: false });
    showNotice("The link's chat is not one of this browser's chats, so a new chat was started.",
      "Chats are continued only in the browser that started them.", "OK", () => ui.input.focus());
    return;
  }
  stopTurn();
  turn = null;
  showSession(id, { push });
  clearMessages();
  const load = ++loading;
  ui.messages.setAttribute("aria-busy", "true");
  try {
    const messages = await loadHistory(id);
    if (load !== loading) return;
    const shown = messages.filter((m) => m.role === "user" || m.role === "assistant");
    for (const message of shown) addMessage(message.role, message.content);
    ui.welcome.hidden = shown.length > 0;
    if (shown.length) rememberSession(id, shown.find((m) => m.role === "user")?.content, { onlyIfNew: true });
    scrollToEnd(true);
  } catch (error) {
    if (load !== loading) return;
    const problem = describe(error instanceof ChatError ? error : new ChatError("Network", ""));
    showNotice(`This chat's history could not be loaded. ${problem.title}`, problem.advice, "Load again", () => openSession(id, { push: false }));
  } finally {
    if (load === loading) ui.messages.removeAttribute("aria-busy");
  }
}

/** The chat's stored messages; none (404) for a chat whose first turn is not stored yet. */
async function loadHistory(id, signal) {
  const response = await fetch(api(`${sessionPath(id)}/messages`), { headers: { accept: "application/json" }, signal });
  if (response.status === 404) return [];
  if (!response.ok) throw await errorFromResponse(response);
  return (await response.json()).messages;
}

async function deleteSession(id) {
  try {
    const response = await fetch(api(sessionPath(id)), { method: "DELETE" });
    if (!response.ok && response.status !== 404) throw await errorFromResponse(response);
  } catch (error) {
    const problem = describe(error instanceof ChatError ? error : new ChatError("Network", ""));
    showNotice(`The chat could not be deleted. ${problem.title}`, problem.advice, "Try again", () => deleteSession(id));
    return;
  }
  forgetSession(id);
  hideNotice();
  if (id === sessionId) newChat();
  else ui.input.focus();
}

// ---------------------------------------------------------------- messages

function clearMessages() {
  hideNotice();
  ui.messages.replaceChildren(ui.welcome);
  ui.welcome.hidden = false;
}

function addMessage(role, text) {
  const article = document.createElement("article");
  article.className = "message";
  article.dataset.role = role;
  const heading = document.createElement("h2");
  heading.className = "visually-hidden";
  heading.textContent = role === "user" ? "You said:" : "Answer:";
  const body = document.createElement("div");
  body.className = "body";
  article.append(heading, body);
  ui.welcome.hidden = true;
  ui.messages.append(article);
  setText(article, text);
  return article;
}

/** The user's text is shown as typed; the model's is untrusted Markdown, rendered to elements and text nodes only. */
function setText(article, text) {
  const body = article.querySelector(".body");
  if (article.dataset.role === "user") {
    body.textContent = text;
  } else {
    try {
      body.replaceChildren(renderMarkdown(text));
    } catch {
      body.textContent = text; // e.g. nesting too deep for the call stack: plain text is still the whole answer
    }
  }
  // Chromium picks Han glyphs by language: mark Japanese text so kanji take their Japanese forms.
  if (KANA.test(text)) article.lang = "ja";
}

function scrollToEnd(force) {
  const box = ui.messages;
  if (force || box.scrollHeight - box.scrollTop - box.clientHeight < 120) box.scrollTop = box.scrollHeight;
}

function announce(text) {
  ui.announcer.textContent = "";
  requestAnimationFrame(() => { ui.announcer.textContent = text; });
}

function showNotice(title, advice, action, onAction) {
  const retry = button(action, "button", undefined, "notice-action");
  retry.addEventListener("click", () => { hideNotice(); onAction(); });
  ui.notice.replaceChildren(paragraph(title, "error-title"), paragraph(advice), retry);
  ui.notice.hidden = false;
}

function hideNotice() {
  ui.notice.hidden = true;
  ui.notice.replaceChildren();
}

// ---------------------------------------------------------------- one turn

/** Sends a turn; with unsure (a Retry after Stop or a lost connection), first looks whether the server kept it. */
async function send(input, { unsure = false } = {}) {
  if (turn?.controller) return;
  if (turn) discard(turn); // a failed turn leaves once the chat moves on; a reload shows it only if the server kept it
  hideNotice();
  const before = ui.messages.querySelectorAll('.message[data-role="user"]').length;
  const user = addMessage("user", input);
  const answer = addMessage("assistant", "");
  answer.setAttribute("aria-busy", "true");
  answer.classList.add("pending");
  const current = { input, user, answer, text: "", controller: new AbortController(), before, unsure };
  turn = current;
  setBusy(true);
  scrollToEnd(true);
  try {
    const kept = unsure && sessionId ? await keptAnswer(current) : undefined;
    if (kept !== undefined) {
      complete(current, { output_text: kept });
      return;
    }
    const response = await fetch(api(""), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify(sessionId ? { input_text: input, session_id: sessionId } : { input_text: input }),
      signal: current.controller.signal,
    });
    if (!response.ok) throw await errorFromResponse(response);
    if ((response.headers.get("content-type") ?? "").startsWith("text/event-stream")) {
      await receiveStream(current, response.body);
    } else {
      complete(current, await response.json());
    }
  } catch (error) {
    if (turn === current) fail(current, error);
  } finally {
    current.controller = null;
    if (turn === current || !turn?.controller) setBusy(false);
  }
}

async function receiveStream(current, body) {
  let frame = 0;
  for await (const event of readEvents(body)) {
    if (turn !== current) return;
    const data = parseData(event.data);
    if (event.type === "start") {
      adopt(data.session_id);
    } else if (event.type === "delta") {
      current.text += data.text ?? "";
      current.answer.classList.remove("pending");
      // Render at most once a frame however fast deltas come.
      frame ||= requestAnimationFrame(() => {
        frame = 0;
        if (turn === current) {
          setText(current.answer, current.text);
          scrollToEnd(false);
        }
      });
    } else if (event.type === "done") {
      cancelAnimationFrame(frame);
      complete(current, data);
      return;
    } else if (event.type === "error") {
      cancelAnimationFrame(frame);
      throw new ChatError(data.error?.type ?? "InternalError", data.error?.message ?? "");
    }
  }
  cancelAnimationFrame(frame);
  throw new ChatError("Incomplete", "");
}

/**
 * The answer the server stored for this turn although the browser never saw it finish (on Lambda a Stop or a
 * dropped connection does not end the function), so a Retry does not store the question twice.
 */
async function keptAnswer(current) {
  const messages = await loadHistory(sessionId, current.controller.signal);
  const users = messages.flatMap((m, index) => (m.role === "user" ? [index] : []));
  const last = users.at(-1);
  if (users.length <= current.before || messages[last].content !== current.input) return undefined;
  return messages.slice(last + 1).find((m) => m.role === "assistant")?.content;
}

function parseData(data) {
  try {
    return JSON.parse(data) ?? {};
  } catch {
    throw new ChatError("InternalError", "The server sent an event the page cannot read.");
  }
}

function adopt(id) {
  if (id && id !== sessionId) showSession(id, { push: false });
}

function complete(current, reply) {
  adopt(reply.session_id);
  current.text = reply.output_text ?? current.text;
  current.answer.classList.remove("pending");
  current.answer.removeAttribute("aria-busy");
  setText(current.answer, current.text);
  if (sessionId) rememberSession(sessionId, current.input);
  turn = null;
  announce(current.answer.querySelector(".body").textContent);
  scrollToEnd(false);
}

function fail(current, error) {
  const failure = error?.name === "AbortError" ? new ChatError("Stopped", "")
    : error instanceof ChatError ? error : new ChatError("Network", "");
  const problem = describe(failure);
  current.answer.removeAttribute("aria-busy");
  current.answer.classList.remove("pending");
  if (current.text) {
    setText(current.answer, current.text);
    current.answer.classList.add("incomplete");
  } else {
    current.answer.remove();
  }

  const box = document.createElement("div");
  box.className = "turn-error";
  box.id = "turn-error";
  box.setAttribute("role", "alert");
  box.dataset.errorType = failure.type;
  box.append(paragraph(problem.title, "error-title"), paragraph(problem.advice));
  if (problem.detail) box.append(paragraph(problem.detail, "error-detail"));
  // Stopped or cut off: the server may have finished and stored the turn all the same.
  current.unsure ||= ["Stopped", "Network", "Incomplete"].includes(failure.type);
  if (problem.retry) {
    const retry = button("Retry", "button", "Retry: send the same message again", "retry");
    retry.addEventListener("click", () => resend(current));
    box.append(retry);
  } else {
    // Nothing to resend as it is: give the text back to edit.
    current.user.remove();
    ui.input.value = current.input;
    autosize();
  }
  current.error = box;
  ui.messages.append(box);
  scrollToEnd(true);
  if (failure.type === "ModelNotConfigured" || failure.type === "ModelAccessDenied") loadStatus();
}

function resend(failed) {
  if (turn !== failed) return;
  discard(failed);
  send(failed.input, { unsure: failed.unsure });
  ui.input.focus();
}

function discard(failed) {
  for (const element of [failed.user, failed.answer, failed.error]) element?.remove();
  turn = null;
}

function stopTurn() {
  turn?.controller?.abort();
}

function setBusy(busy) {
  const hadFocus = document.activeElement === ui.send || document.activeElement === ui.stop;
  ui.send.hidden = busy;
  ui.stop.hidden = !busy;
  if (hadFocus) ui.input.focus();
}

// ---------------------------------------------------------------- which model answers (GET /status; optional)

const STATUS_POLL_MS = 5000;
let statusPoll = 0;

/** Shows which model answers; while it is not ready (no credentials yet, a model still downloading), asks again. */
async function loadStatus() {
  clearTimeout(statusPoll);
  try {
    const response = await fetch(api("status"), { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(String(response.status));
    const { model, store } = await response.json();
    const name = [model?.model_id, model?.provider].filter(Boolean).join(" · ");
    ui.status.classList.toggle("warn", model?.ready === false);
    ui.status.textContent = model?.ready === false
      ? `Model not ready: ${model.message || "see the host's settings."}`
      : `${name || "Model"}${store ? ` · history: ${store}` : ""}`;
    ui.status.title = ui.status.textContent;
    ui.status.hidden = false;
    if (model?.ready === false) statusPoll = setTimeout(loadStatus, STATUS_POLL_MS);
  } catch {
    ui.status.hidden = true; // a host without /status: nothing to show
  }
}

// ---------------------------------------------------------------- small DOM helpers

function button(text, className, label, id) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = className;
  element.textContent = text;
  if (label) element.setAttribute("aria-label", label);
  if (id) element.id = id;
  return element;
}

function paragraph(text, className) {
  const element = document.createElement("p");
  element.textContent = text;
  if (className) element.className = className;
  return element;
}

function icon(path) {
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const line = document.createElementNS("http://www.w3.org/2000/svg", "path");
  line.setAttribute("d", path);
  svg.append(line);
  return svg;
}

function autosize() {
  ui.input.style.height = "auto";
  ui.input.style.height = `${ui.input.scrollHeight + 2}px`;
}

async function copyCode(copy) {
  const code = copy.closest(".code-block").querySelector("code").textContent;
  try {
    await navigator.clipboard.writeText(code);
    copy.textContent = "Copied";
  } catch {
    copy.textContent = "Copy failed";
  }
  setTimeout(() => { copy.textContent = "Copy"; }, 1500);
}

function setDrawer(open) {
  document.body.classList.toggle("drawer-open", open);
  ui["menu-toggle"].setAttribute("aria-expanded", String(open));
  if (open) ui.sessions.querySelector("button")?.focus();
}

// ---------------------------------------------------------------- wiring

function submit() {
  const input = ui.input.value;
  if (!input.trim() || turn?.controller) return;
  ui.input.value = "";
  autosize();
  send(input);
}

ui.input.addEventListener("keydown", (event) => {
  // Enter while an IME composes (Japanese kana-to-kanji) confirms the composition; it must not send.
  if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
  event.preventDefault();
  submit();
});
ui.input.addEventListener("input", autosize);
ui.composer.addEventListener("submit", (event) => {
  event.preventDefault();
  submit();
});
ui.stop.addEventListener("click", () => {
  stopTurn();
  ui.input.focus();
});
ui["new-chat"].addEventListener("click", () => {
  setDrawer(false);
  newChat();
});
ui["menu-toggle"].addEventListener("click", () => setDrawer(!document.body.classList.contains("drawer-open")));
document.getElementById("chat").addEventListener("click", () => setDrawer(false));
ui["session-list"].addEventListener("click", (event) => {
  const id = event.target.closest("li")?.dataset.sessionId;
  if (id === undefined) return;
  if (event.target.closest(".session-delete")) {
    deleteSession(id);
  } else if (event.target.closest(".session-open")) {
    setDrawer(false);
    openSession(id);
    ui.input.focus();
  }
});
ui.messages.addEventListener("click", (event) => {
  const copy = event.target.closest(".copy-code");
  if (copy) copyCode(copy);
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && document.body.classList.contains("drawer-open")) {
    setDrawer(false);
    ui["menu-toggle"].focus();
  }
});
window.addEventListener("popstate", () => {
  const id = new URL(location.href).searchParams.get("session");
  if (id !== null) openSession(id, { push: false });
  else newChat({ push: false });
});
window.addEventListener("storage", (event) => {
  if (event.key === SESSIONS_KEY) renderSessions();
});

const linked = new URL(location.href).searchParams.get("session");
const remembered = readJson(CURRENT_KEY, null);
renderSessions();
if (linked !== null) openSession(linked, { push: false });
else if (isSaved(remembered)) openSession(remembered, { push: false });
else if (remembered !== null) newChat({ push: false }); // forgets an id the list does not hold
loadStatus();
ui.input.focus();
