// The conversation as the person sees it: messages, the notice line, the aria-live announcer, a failed turn's box.
// Rendering only: what to show and when is decided by the turn (turn.js) and the open chat (chat.js).
import { highlightCodeBlocks } from "./code-highlight.js";
import { renderMarkdown } from "./markdown.js";
import { button, paragraph } from "./dom.js";

const KANA = /[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]/;

/** onRegenerate(): run the last question again; onEdit(text): answer the edited last question instead. */
export function createView({ messages, welcome, announcer, notice }, { onRegenerate = () => {}, onEdit = () => {} } = {}) {
  const sources = new WeakMap(); // a message's article → its text (an answer's Markdown, which "Copy answer" copies)

  messages.addEventListener("click", (event) => {
    const copy = event.target.closest(".copy-code");
    if (copy) copyText(copy, copy.closest(".code-block").querySelector("code").textContent);
    const copyAnswer = event.target.closest(".copy-answer");
    if (copyAnswer) copyText(copyAnswer, sources.get(copyAnswer.closest(".message")) ?? "");
    if (event.target.closest(".regenerate-answer")) onRegenerate();
    const editButton = event.target.closest(".edit-question");
    if (editButton) startEdit(editButton.closest(".message"));
  });

  function clear() {
    hideNotice();
    messages.replaceChildren(welcome);
    welcome.hidden = false;
  }

  function addMessage(role, text, { interrupted = false } = {}) {
    const article = document.createElement("article");
    article.className = "message";
    article.dataset.role = role;
    const heading = document.createElement("h2");
    heading.className = "visually-hidden";
    heading.textContent = role === "user" ? "You said:" : "Answer:";
    const body = document.createElement("div");
    body.className = "body";
    article.append(heading, body);
    // Hidden by the stylesheet while the answer streams (aria-busy); Regenerate and Edit only on the last turn.
    const actions = document.createElement("div");
    actions.className = "message-actions";
    if (role === "assistant") {
      actions.append(button("Copy", "copy-answer", "Copy answer"), button("Regenerate", "regenerate-answer", "Regenerate answer"));
    } else {
      actions.append(button("Edit", "edit-question", "Edit question"));
    }
    article.append(actions);
    welcome.hidden = true;
    messages.append(article);
    setText(article, text);
    setStopped(article, interrupted);
    markLastTurn();
    return article;
  }

  /** An answer kept after a Stop carries a visible "Stopped" marker (and data-interrupted), so it is not taken for a whole one. */
  function setStopped(article, stopped) {
    article.querySelector(".stopped-marker")?.remove();
    if (stopped) {
      article.dataset.interrupted = "true";
      article.querySelector(".body").after(paragraph("Stopped: the answer was cut short here.", "stopped-marker"));
    } else {
      delete article.dataset.interrupted;
    }
  }

  /** Only the last question and answer offer Edit and Regenerate: the server replaces only the last turn. */
  function markLastTurn() {
    const all = [...messages.querySelectorAll(".message")];
    const last = all.at(-1);
    const pair = last?.dataset.role === "assistant" && all.at(-2)?.dataset.role === "user" ? [all.at(-2), last] : [];
    for (const article of all) article.classList.toggle("last-turn", pair.includes(article));
  }

  /** The last question as an inline text box: Enter sends the edited question, Escape (or an empty box) cancels. */
  function startEdit(article) {
    if (!article.classList.contains("last-turn") || article.querySelector(".edit-box")) return;
    const body = article.querySelector(".body");
    const box = document.createElement("textarea");
    box.className = "edit-box";
    box.value = sources.get(article) ?? body.textContent;
    box.rows = Math.min(8, box.value.split("\n").length + 1);
    box.setAttribute("aria-label", "Edit your question (Enter to send, Escape to cancel)");
    const close = () => {
      box.remove();
      body.hidden = false;
      article.querySelector(".edit-question")?.focus();
    };
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        const text = box.value;
        close();
        if (text.trim() && text !== (sources.get(article) ?? body.textContent)) onEdit(text);
      } else if (event.key === "Escape") {
        close();
      }
    });
    body.hidden = true;
    body.after(box);
    box.focus();
  }

  /** The last question and answer, as articles (null when the chat does not end with an answer). */
  function lastTurn() {
    const [user, answer] = messages.querySelectorAll(".message.last-turn");
    return user && answer ? { user, answer } : null;
  }

  /** A chat's stored history; only the person's and the model's messages are shown. */
  function showHistory(stored) {
    const shown = stored.filter((m) => m.role === "user" || m.role === "assistant");
    for (const message of shown) addMessage(message.role, message.content, { interrupted: message.interrupted === true });
    welcome.hidden = shown.length > 0;
    return shown;
  }

  /**
   * An older page of the chat's history, above what is shown; with more (a function), a "Load older messages"
   * button above it runs more() once. Called with an empty page and no more, it only removes the button.
   */
  function showOlder(stored, more) {
    messages.querySelector(".load-older")?.remove();
    const first = messages.querySelector(".message");
    const shown = stored.filter((m) => m.role === "user" || m.role === "assistant");
    for (const message of shown) {
      const article = addMessage(message.role, message.content);
      if (first) first.before(article);
    }
    if (more) {
      const load = button("Load older messages", "button load-older");
      load.addEventListener("click", () => {
        load.disabled = true;
        more();
      }, { once: true });
      const top = messages.querySelector(".message");
      if (top) top.before(load);
      else messages.append(load);
    }
    return shown;
  }

  /** The user's text is shown as typed; the model's is untrusted Markdown, rendered to elements and text nodes only. */
  function setText(article, text) {
    const body = article.querySelector(".body");
    if (article.dataset.role === "user") {
      sources.set(article, text);
      body.textContent = text;
    } else {
      sources.set(article, text);
      try {
        body.replaceChildren(renderMarkdown(text));
        highlightCodeBlocks(body);
      } catch {
        body.textContent = text; // e.g. nesting too deep for the call stack: plain text is still the whole answer
      }
    }
    // Chromium picks Han glyphs by language: mark Japanese text so kanji take their Japanese forms.
    if (KANA.test(text)) article.lang = "ja";
  }

  const userMessageCount = () => messages.querySelectorAll('.message[data-role="user"]').length;

  /** Follows the end of the conversation; unless forced, only when the person has not scrolled away from it. */
  function scrollToEnd(force) {
    if (force || messages.scrollHeight - messages.scrollTop - messages.clientHeight < 120) messages.scrollTop = messages.scrollHeight;
  }

  function setLoading(loading) {
    if (loading) messages.setAttribute("aria-busy", "true");
    else messages.removeAttribute("aria-busy");
  }

  function announce(text) {
    announcer.textContent = "";
    requestAnimationFrame(() => { announcer.textContent = text; });
  }

  function showNotice(title, advice, action, onAction) {
    const retry = button(action, "button", undefined, "notice-action");
    retry.addEventListener("click", () => { hideNotice(); onAction(); });
    notice.replaceChildren(paragraph(title, "error-title"), paragraph(advice), retry);
    notice.hidden = false;
  }

  function hideNotice() {
    notice.hidden = true;
    notice.replaceChildren();
  }

  /** A failed turn's box under the conversation: what happened, what to do, and Retry when onRetry is given. */
  function showTurnError(type, problem, onRetry) {
    const box = document.createElement("div");
    box.className = "turn-error";
    box.id = "turn-error";
    box.setAttribute("role", "alert");
    box.dataset.errorType = type;
    box.append(paragraph(problem.title, "error-title"), paragraph(problem.advice));
    if (problem.detail) box.append(paragraph(problem.detail, "error-detail"));
    if (onRetry) {
      const retry = button("Retry", "button", "Retry: send the same message again", "retry");
      retry.addEventListener("click", onRetry);
      box.append(retry);
    }
    messages.append(box);
    return box;
  }

  return {
    clear, addMessage, showHistory, showOlder, setText, setStopped, markLastTurn, lastTurn, userMessageCount, scrollToEnd,
    setLoading, announce, showNotice, hideNotice, showTurnError,
  };
}

async function copyText(copy, text) {
  try {
    await navigator.clipboard.writeText(text);
    copy.textContent = "Copied";
  } catch {
    copy.textContent = "Copy failed";
  }
  setTimeout(() => { copy.textContent = "Copy"; }, 1500);
}
