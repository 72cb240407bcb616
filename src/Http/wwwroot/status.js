// Which model answers (GET /status, optional: a host without it shows no status line). While the model is not ready
// (no credentials yet, a model still downloading) it asks again every few seconds.
import { getStatus } from "./api.js";

const STATUS_POLL_MS = 5000;

export function createStatus(line) {
  let poll = 0;

  async function refresh() {
    clearTimeout(poll);
    try {
      const { model, store } = await getStatus();
      const name = [model?.model_id, model?.provider].filter(Boolean).join(" · ");
      line.classList.toggle("warn", model?.ready === false);
      line.textContent = model?.ready === false
        ? `Model not ready: ${model.message || "see the host's settings."}`
        : `${name || "Model"}${store ? ` · history: ${store}` : ""}`;
      line.title = line.textContent;
      line.hidden = false;
      if (model?.ready === false) poll = setTimeout(refresh, STATUS_POLL_MS);
    } catch {
      line.hidden = true; // a host without /status: nothing to show
    }
  }

  return { refresh };
}
