// The "Deleted … Undo" line under the conversation. It only shows and hides; what is undone is the caller's (chat.js).

export function createUndo({ bar, text, action }) {
  let onUndo = null;

  action.addEventListener("click", () => {
    const undo = onUndo;
    hide();
    undo?.();
  });

  /** Shows message with Undo; with focus, moves the keyboard there (the control the person used is gone). */
  function show(message, undo, { focus = false } = {}) {
    onUndo = undo;
    text.textContent = message;
    bar.hidden = false;
    if (focus) action.focus();
  }

  /** Hides the line; says whether the keyboard was on it (so the caller can put it somewhere useful). */
  function hide() {
    const hadFocus = bar.contains(document.activeElement);
    onUndo = null;
    bar.hidden = true;
    text.textContent = "";
    return hadFocus;
  }

  return { show, hide };
}
