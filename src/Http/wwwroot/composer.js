// The message box with Send and Stop. It hands the text over on Enter or Send (never while an IME composes) and
// shows Stop instead of Send while a turn streams.

export function createComposer({ form, input, send, stop }, { isBusy, onSubmit, onStop }) {
  function autosize() {
    input.style.height = "auto";
    input.style.height = `${input.scrollHeight + 2}px`;
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
