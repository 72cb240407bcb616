// The open chat: which one it is (in the URL's ?session= and the document title), starting a new one, opening one
// of this browser's chats with its history, deleting one (with a few seconds to undo). It continues only chats whose
// id this server gave this browser (ADR 0045): an id from a link or an older page starts a new chat instead.
import * as api from "./api.js";
import { describe, asChatError } from "./errors.js";
import * as saved from "./saved-sessions.js";

// How long a deleted chat can be brought back. Until then nothing is changed, on the server or in localStorage: a page
// closed meanwhile keeps the chat.
export const UNDO_MS = 6000;

/**
 * view: view.js; sessions: session-list.js; composer: composer.js; undo: undo.js; leaveTurn(): the conversation is
 * going away, so a turn in flight goes on in the background and a failed one is dropped (turn.js); onShow(id): another
 * chat (or none, id null) is open now (transfer.js, usage.js).
 */
export function createChat({ view, sessions, composer, undo, leaveTurn, onShow = () => {} }) {
  let sessionId = null; // the open chat; null until the server mints an id for a new one
  let loading = 0; // which history load is current, so a slow one cannot overwrite a later choice
  let deleting = null; // {id, wasOpen, timer}: the chat deleted last, hidden until its undo time is over

  const refreshList = () => sessions.render(saved.savedSessions().filter((s) => s.id !== deleting?.id), sessionId);

  function show(id, { push }) {
    sessionId = id;
    saved.setLastOpenSession(id);
    const url = new URL(location.href);
    if (id) url.searchParams.set("session", id);
    else url.searchParams.delete("session");
    if (url.href !== location.href) history[push ? "pushState" : "replaceState"](null, "", url);
    const title = saved.titleOf(id);
    document.title = title ? `${title} · ChatBedrock` : "ChatBedrock";
    refreshList();
    onShow(id);
  }

  function newChat({ push = true } = {}) {
    leaveTurn();
    show(null, { push });
    view.clear();
    composer.focus();
  }

  /** Opens one of this browser's chats; an id from anywhere else (a link) starts a new chat instead. */
  async function open(id, { push = true } = {}) {
    if (!saved.isSaved(id)) {
      newChat({ push: false });
      view.showNotice("The link's chat is not one of this browser's chats, so a new chat was started.",
        "Chats are continued only in the browser that started them.", "OK", composer.focus);
      return;
    }
    leaveTurn();
    show(id, { push });
    view.clear();
    const load = ++loading;
    view.setLoading(true);
    try {
      const { messages: stored, next } = await api.getMessagePage(id);
      if (load !== loading) return;
      const shown = view.showHistory(stored);
      if (shown.length) rememberChat(id, shown.find((m) => m.role === "user")?.content, { onlyIfNew: true });
      if (next) view.showOlder([], () => loadOlder(id, next, load));
      view.scrollToEnd(true);
    } catch (error) {
      if (load !== loading) return;
      const problem = describe(asChatError(error));
      view.showNotice(`This chat's history could not be loaded. ${problem.title}`, problem.advice, "Load again", () => open(id, { push: false }));
    } finally {
      if (load === loading) view.setLoading(false);
    }
  }

  /** The page before `before` (the newest page's `next`), above the shown messages, while the same chat is open. */
  async function loadOlder(id, before, load) {
    try {
      const { messages: older, next } = await api.getMessagePage(id, { before });
      if (load !== loading || id !== sessionId) return;
      view.showOlder(older, next ? () => loadOlder(id, next, load) : undefined);
    } catch (error) {
      if (load !== loading) return;
      view.showOlder([], () => loadOlder(id, before, load));
      const problem = describe(asChatError(error));
      view.showNotice(`Older messages could not be loaded. ${problem.title}`, problem.advice, "OK", () => {});
    }
  }

  /** Hides the chat at once and deletes it after UNDO_MS unless undone; a second delete finishes the first. */
  function remove(id) {
    finishDelete();
    const title = saved.titleOf(id) ?? "Untitled chat";
    deleting = { id, wasOpen: id === sessionId, timer: setTimeout(finishDelete, UNDO_MS) };
    if (deleting.wasOpen) newChat();
    else refreshList();
    undo.show(`Deleted “${title}”.`, undoDelete, { focus: true });
  }

  function undoDelete() {
    if (!deleting) return;
    clearTimeout(deleting.timer);
    const { id, wasOpen } = deleting;
    deleting = null;
    if (wasOpen && sessionId === null && !view.userMessageCount()) open(id);
    else refreshList();
    composer.focus();
  }

  async function finishDelete() {
    if (!deleting) return;
    clearTimeout(deleting.timer);
    const { id } = deleting;
    if (undo.hide()) composer.focus();
    try {
      await api.deleteSession(id);
      saved.forgetSession(id);
      view.hideNotice();
    } catch (error) {
      const problem = describe(asChatError(error));
      view.showNotice(`The chat could not be deleted. ${problem.title}`, problem.advice, "Try again", () => remove(id));
    } finally {
      if (deleting?.id === id) deleting = null;
      refreshList();
    }
  }

  /** Lists a chat left while its answer goes on in the background (turn.js), without opening it. */
  function keep(id, firstMessage) {
    if (id !== deleting?.id) rememberChat(id, firstMessage);
  }

  /** The id the server gave the turn in flight (its start or done event) becomes the open chat's. */
  function adopt(id) {
    if (id && id !== sessionId) show(id, { push: false });
  }

  /** Lists the open chat (first, titled by its first message) once a turn of it is stored. */
  function remember(firstMessage) {
    if (sessionId) rememberChat(sessionId, firstMessage);
  }

  /** A title the model proposed for the open chat's first answer; a title the person chose is kept. */
  function proposeTitle(title) {
    if (sessionId && saved.renameSession(sessionId, title, { renamed: false })) show(sessionId, { push: false });
  }

  /** The person renamed a chat in the list (kept in this browser's list; the server keeps no titles yet). */
  function rename(id, title) {
    if (saved.renameSession(id, title)) {
      if (id === sessionId) show(id, { push: false });
      else refreshList();
    }
  }

  function rememberChat(id, firstMessage, options) {
    if (saved.rememberSession(id, firstMessage, options)) refreshList();
  }

  /** Opens the chat the URL names (after a back or forward), or a new one. */
  function followUrl() {
    const id = new URL(location.href).searchParams.get("session");
    if (id !== null) open(id, { push: false });
    else newChat({ push: false });
  }

  /** At page load: the linked chat, else the one open last time if it is still this browser's. */
  function start() {
    const linked = new URL(location.href).searchParams.get("session");
    const remembered = saved.lastOpenSession();
    refreshList();
    if (linked !== null) open(linked, { push: false });
    else if (saved.isSaved(remembered)) open(remembered, { push: false });
    else if (remembered !== null) newChat({ push: false }); // forgets an id the list does not hold
  }

  return { id: () => sessionId, newChat, open, remove, keep, adopt, remember, proposeTitle, rename, refreshList, followUrl, start };
}
