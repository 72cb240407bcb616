// "Past chats": the list beside the conversation, a drawer under 720 px, with a filter by title. It shows what it is
// given and reports which chat the person opens or deletes; which chats exist is up to the caller (chat.js).
import { button, icon } from "./dom.js";

export function createSessionList({ nav, list, empty, filter, noMatch, toggle, outside }, { onOpen, onDelete }) {
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
      const remove = button("", "session-delete icon-button", `Delete chat: ${title}`);
      remove.append(icon("M6 7h12M10 7V5h4v2M8 7l1 12h6l1-12"));
      const item = document.createElement("li");
      item.dataset.sessionId = id;
      item.dataset.title = title.toLocaleLowerCase();
      item.append(open, remove);
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
    } else if (event.target.closest(".session-open")) {
      setDrawer(false);
      onOpen(id);
    }
  });
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
