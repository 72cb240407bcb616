// Which model answers (GET /status, optional: a host without it shows no status line). While the model is not ready
// (no credentials yet, a model still downloading) it asks again every few seconds. A not-ready message is shown here
// and only here: one short line, the whole message behind "Details" (a failed turn points here instead of repeating it).
import { getStatus } from "./api.js";
import { button, paragraph } from "./dom.js";

const STATUS_POLL_MS = 5000;
const SHORT = 90;

export function createStatus(line) {
  let poll = 0;
  let expanded = false; // the details stay open across polls once opened

  /** Asks the host again; fallback is a not-ready message to show when the host has no /status to say why. */
  async function refresh(fallback) {
    clearTimeout(poll);
    try {
      const { model, store } = await getStatus();
      if (model?.ready === false) {
        showNotReady(model.message || fallback || "");
        poll = setTimeout(refresh, STATUS_POLL_MS);
      } else {
        const name = [model?.model_id, model?.provider].filter(Boolean).join(" · ");
        expanded = false;
        line.classList.remove("warn");
        line.textContent = `${name || "Model"}${store ? ` · store: ${store}` : ""}`;
        line.title = line.textContent;
        line.hidden = false;
      }
    } catch {
      if (fallback) showNotReady(fallback);
      else line.hidden = true; // a host without /status: nothing to show
    }
  }

  function showNotReady(message) {
    const { short, more } = split(message);
    line.classList.add("warn");
    line.removeAttribute("title");
    const text = paragraph(`Model not ready${short ? `: ${short}` : "."}`, "status-text");
    line.replaceChildren(text);
    if (more) {
      const toggle = button(expanded ? "Hide details" : "Details", "status-more", undefined, "status-more");
      toggle.setAttribute("aria-expanded", String(expanded));
      toggle.setAttribute("aria-controls", "status-details");
      const details = paragraph(message, "status-details");
      details.id = "status-details";
      details.hidden = !expanded;
      toggle.addEventListener("click", () => {
        expanded = !expanded;
        details.hidden = !expanded;
        toggle.textContent = expanded ? "Hide details" : "Details";
        toggle.setAttribute("aria-expanded", String(expanded));
      });
      text.append(" ", toggle);
      line.append(details);
    }
    line.hidden = false;
  }

  /** The message's first sentence (cut to a line), and whether there is more to it. */
  function split(message) {
    const text = message.replace(/\s+/g, " ").trim();
    const first = text.match(/^.+?[.!?。](?=\s|$)/)?.[0] ?? text;
    const short = first.length > SHORT ? `${first.slice(0, SHORT - 1).trimEnd()}…` : first;
    return { short, more: short !== text };
  }

  return { refresh };
}
