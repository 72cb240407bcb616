// This browser's chats, kept in localStorage (docs/chat-page.md, "Browser storage"): the only ids the page opens or
// continues (ADR 0045). Data only, no DOM. A server-side chat list can later stand behind the same functions.

const SESSIONS_KEY = "chatbedrock.sessions";
const CURRENT_KEY = "chatbedrock.session";
const KEPT_SESSIONS = 200;

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

/** [{id, title, updated}], newest first. */
export const savedSessions = () => readJson(SESSIONS_KEY, []).filter((s) => typeof s?.id === "string");

/** Whether the server gave this id to this browser: only such chats are opened and continued. */
export const isSaved = (id) => typeof id === "string" && savedSessions().some((s) => s.id === id);

export const titleOf = (id) => savedSessions().find((s) => s.id === id)?.title;

/**
 * Puts the chat first in the list, titled by its first message; with onlyIfNew, leaves a listed chat where it is.
 * Says whether the list changed.
 */
export function rememberSession(id, firstMessage, { onlyIfNew = false } = {}) {
  const sessions = savedSessions();
  const known = sessions.find((s) => s.id === id);
  if (known && onlyIfNew) return false;
  const entry = { id, title: known?.title || titleFrom(firstMessage), updated: Date.now() };
  writeStorage(SESSIONS_KEY, [entry, ...sessions.filter((s) => s.id !== id)].slice(0, KEPT_SESSIONS));
  return true;
}

/** Gives a listed chat a title; renamed (the person chose it) keeps a model-proposed title from replacing it. */
export function renameSession(id, title, { renamed = true } = {}) {
  const sessions = savedSessions();
  const known = sessions.find((s) => s.id === id);
  const clean = titleFrom(title);
  if (!known || (known.renamed && !renamed) || known.title === clean) return false;
  writeStorage(SESSIONS_KEY, sessions.map((s) => (s.id === id ? { ...s, title: clean, renamed: s.renamed || renamed } : s)));
  return true;
}

export function forgetSession(id) {
  writeStorage(SESSIONS_KEY, savedSessions().filter((s) => s.id !== id));
}

const titleFrom = (text) => (text ?? "").replace(/\s+/g, " ").trim().slice(0, 80) || "Untitled chat";

/** The chat open when the page was last used (may be an id an older page kept: check isSaved). */
export const lastOpenSession = () => readJson(CURRENT_KEY, null);

export const setLastOpenSession = (id) => writeStorage(CURRENT_KEY, id);

/** Whether a storage event (another tab) changed the list. */
export const changesSavedSessions = (event) => event.key === SESSIONS_KEY;
