// The message box with Send and Stop. It hands the text over on Enter or Send (never while an IME composes) and
// shows Stop instead of Send while a turn streams, and counts characters as the server's limit nears.

// The server's limit (CHAT_MAX_INPUT_CHARS) is not published to the page, so this is its documented default; a host
// configured otherwise still decides (a longer message gets InputTooLong and comes back to edit).
export const MAX_INPUT_CHARS = 16_000;
const COUNT_FROM = 0.8; // the counter shows from 80 % of the limit on

export function createComposer({ form, input, send, stop, counter }, { isBusy, onSubmit, onStop }) {
  const format = new Intl.NumberFormat("en");

  function autosize() {
    input.style.height = "auto";
    input.style.height = `${input.scrollHeight + 2}px`;
    count();
  }

  /** Characters as the server counts them (Unicode scalar values: an emoji counts once). */
  function count() {
    let length = 0;
    for (const _ of input.value) length++;
    counter.hidden = length < MAX_INPUT_CHARS * COUNT_FROM;
    const over = length - MAX_INPUT_CHARS;
    counter.classList.toggle("over", over > 0);
    counter.textContent = `${format.format(length)} / ${format.format(MAX_INPUT_CHARS)} characters`
      + (over > 0 ? ` (${format.format(over)} too many)` : "");
  }

  function submit() {
    const text = input.value;
    if (!text.trim() || isBusy()) return;
    input.value = "";
    autosize();
    onSubmit(text);
  }

  input.addEventListener("keydown", (event) => {
    // Enter while an IME composes (Japanese kana-to-kanji) confirms the composition; it must not send.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    submit();
  });
  input.addEventListener("input", autosize);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });
  stop.addEventListener("click", () => {
    onStop();
    input.focus();
  });

  return {
    focus: () => input.focus(),
    /** Gives a message back to edit (one that cannot be sent as it is). */
    restore(text) {
      input.value = text;
      autosize();
    },
    setBusy(busy) {
      const hadFocus = document.activeElement === send || document.activeElement === stop;
      send.hidden = busy;
      stop.hidden = !busy;
      if (hadFocus) input.focus();
    },
  };
}
