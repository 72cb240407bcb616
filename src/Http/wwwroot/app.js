// The chat page: sends turns as POST / with Server-Sent Events back, keeps this browser's chats in localStorage and
// the open chat's id in the URL (?session=), restores history from the API. This file only wires the parts
// (docs/chat-page.md lists them); each part owns its own state and reaches the others only through what it is given.
import { createChat } from "./chat.js";
import { createComposer } from "./composer.js";
import * as saved from "./saved-sessions.js";
import { createSessionList } from "./session-list.js";
import { createStatus } from "./status.js";
import { createTransfer } from "./transfer.js";
import { createTurns } from "./turn.js";
import { createUndo } from "./undo.js";
import { createUsage } from "./usage.js";
import { createView } from "./view.js";

const ui = Object.fromEntries(["menu-toggle", "status", "new-chat", "sessions", "session-list", "sessions-empty",
  "session-filter", "sessions-no-match", "notice", "chat", "messages", "welcome", "announcer", "undo-bar", "undo-text",
  "undo-delete", "char-count", "usage", "composer", "input", "send", "stop", "chat-tools", "export-markdown", "export-json",
  "import-chat", "import-file"].map((id) => [id, document.getElementById(id)]));

// Parts that need each other (a new chat stops the turn, a turn names the chat, the composer sends through the turn)
// get each other through arrow functions, which run only after every part exists.
const view = createView({ messages: ui.messages, welcome: ui.welcome, announcer: ui.announcer, notice: ui.notice }, {
  onRegenerate: () => turns.redo(),
  onEdit: (text) => turns.redo(text),
});
const status = createStatus(ui.status);
const undo = createUndo({ bar: ui["undo-bar"], text: ui["undo-text"], action: ui["undo-delete"] });
const composer = createComposer({ form: ui.composer, input: ui.input, send: ui.send, stop: ui.stop, counter: ui["char-count"] }, {
  isBusy: () => turns.busy(),
  onSubmit: (text) => turns.send(text),
  onStop: () => turns.stop(),
});
const sessions = createSessionList(
  {
    nav: ui.sessions, list: ui["session-list"], empty: ui["sessions-empty"], filter: ui["session-filter"],
    noMatch: ui["sessions-no-match"], toggle: ui["menu-toggle"], outside: ui.chat,
  },
  {
    onOpen: (id) => {
      chat.open(id);
      composer.focus();
    },
    onDelete: (id) => chat.remove(id),
    onRename: (id, title) => chat.rename(id, title),
  });
const usage = createUsage(ui.usage);
const chat = createChat({
  view, sessions, composer, undo, leaveTurn: () => turns.leave(),
  onShow: (id) => {
    transfer.update();
    usage.show(id);
  },
});
const transfer = createTransfer(
  {
    exportMarkdown: ui["export-markdown"], exportJson: ui["export-json"], importButton: ui["import-chat"],
    importFile: ui["import-file"], tools: ui["chat-tools"],
  },
  {
    chatId: () => chat.id(),
    chatTitle: (id) => saved.titleOf(id),
    onImported: (id, title) => {
      saved.rememberSession(id, title);
      sessions.setDrawer(false);
      chat.open(id);
    },
    view,
  });
const turns = createTurns({ view, composer, chat, onModelProblem: status.refresh, onStored: usage.refresh });

ui["new-chat"].addEventListener("click", () => {
  sessions.setDrawer(false);
  chat.newChat();
});
window.addEventListener("popstate", () => chat.followUrl());
window.addEventListener("storage", (event) => {
  if (saved.changesSavedSessions(event)) chat.refreshList();
});

chat.start();
status.refresh();
composer.focus();
