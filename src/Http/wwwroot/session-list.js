// "Past chats": the list beside the conversation, a drawer under 720 px, with a filter by title. It shows what it is
// given and reports which chat the person opens, renames (inline: Enter keeps, Escape cancels) or deletes; which
// chats exist is up to the caller (chat.js).
import { button, icon } from "./dom.js";

export function createSessionList({ nav, list, empty, filter, noMatch, toggle, outside }, { onOpen, onDelete, onRename }) {
  const drawerOpen = () => document.body.classList.contains("drawer-open");

  function setDrawer(open) {
    document.body.classList.toggle("drawer-open", open);
    toggle.setAttribute("aria-expanded", String(open));
    if (open) nav.querySelector("button")?.focus();
  }

  /** Shows the chats ([{id, title}]), marking the open one. */
  function render(sessions, openId) {
    empty.hidden = sessions.length > 0;
    filter.hidden = sessions.length === 0;
    list.replaceChildren(...sessions.map(({ id, title }) => {
      const open = button(title, "session-open");
      open.title = title;
      if (id === openId) open.setAttribute("aria-current", "page");
      const rename = button("", "session-rename icon-button", `Rename chat: ${title}`);
      rename.append(icon("M4 20h4L19 9l-4-4L4 16zM13 7l4 4"));
      const remove = button("", "session-delete icon-button", `Delete chat: ${title}`);
      remove.append(icon("M6 7h12M10 7V5h4v2M8 7l1 12h6l1-12"));
      const item = document.createElement("li");
      item.dataset.sessionId = id;
      item.dataset.title = title.toLocaleLowerCase();
      item.append(open, rename, remove);
      return item;
    }));
    applyFilter();
  }

  /** Shows only the chats whose title contains the filter's text (any case). */
  function applyFilter() {
    const query = filter.value.trim().toLocaleLowerCase();
    let shown = 0;
    for (const item of list.children) {
      item.hidden = query !== "" && !item.dataset.title.includes(query);
      if (!item.hidden) shown++;
    }
    noMatch.hidden = shown > 0 || list.children.length === 0;
  }

  filter.addEventListener("input", applyFilter);

  list.addEventListener("click", (event) => {
    const id = event.target.closest("li")?.dataset.sessionId;
    if (id === undefined) return;
    if (event.target.closest(".session-delete")) {
      onDelete(id);
    } else if (event.target.closest(".session-rename")) {
      startRename(event.target.closest("li"));
    } else if (event.target.closest(".session-open")) {
      setDrawer(false);
      onOpen(id);
    }
  });
  /** Replaces the row's title with a text box: Enter (or leaving it) keeps the new title, Escape keeps the old one. */
  function startRename(item) {
    const open = item.querySelector(".session-open");
    const box = document.createElement("input");
    box.type = "text";
    box.className = "session-rename-box";
    box.value = open.title;
    box.maxLength = 80;
    box.setAttribute("aria-label", "New title (Enter to keep, Escape to cancel)");
    let done = false;
    const finish = (keep) => {
      if (done) return;
      done = true;
      const title = box.value.trim();
      box.replaceWith(open);
      open.focus();
      if (keep && title && title !== open.title) onRename(item.dataset.sessionId, title);
    };
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        finish(true);
      } else if (event.key === "Escape") {
        event.stopPropagation();
        finish(false);
      }
    });
    box.addEventListener("blur", () => finish(true));
    open.replaceWith(box);
    box.focus();
    box.select();
  }

  toggle.addEventListener("click", () => setDrawer(!drawerOpen()));
  outside.addEventListener("click", () => setDrawer(false));
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && drawerOpen()) {
      setDrawer(false);
      toggle.focus();
    }
  });

  return { render, setDrawer };
}
