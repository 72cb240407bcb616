// The open chat's usage line under the conversation: its tokens so far and, when the server has a price table, the
// estimated cost (GET /sessions/{id}/usage). Shown after a chat opens and after each stored turn; hidden otherwise.
import * as api from "./api.js";

const count = new Intl.NumberFormat("en-US");

/** element: the line's <p>. */
export function createUsage(element) {
  let current = null; // the chat the line is for
  let request = 0; // which load is current, so a slow one cannot overwrite a later chat's line

  async function show(id) {
    current = id;
    const mine = ++request;
    if (!id) {
      hide();
      return;
    }
    try {
      const usage = await api.getUsage(id);
      if (mine !== request) return;
      if (!usage) hide();
      else {
        element.textContent = describeUsage(usage);
        element.hidden = false;
      }
    } catch {
      if (mine === request) hide(); // the line is extra: a failure to load it is not worth a notice
    }
  }

  function hide() {
    element.hidden = true;
    element.textContent = "";
  }

  /** After a turn of chat id is stored: reloads the line if it is the open chat's. */
  function refresh(id) {
    if (id && id === current) show(id);
  }

  return { show, refresh };
}

/** "This chat: 1,234 tokens (1,000 in, 200 out, 34 cached) · estimated cost 0.0012"; see the usage body in HTTP-CONTRACT.md. */
export function describeUsage({ usage, summary }) {
  const cached = (usage.cache_read_tokens ?? 0) + (usage.cache_write_tokens ?? 0);
  const parts = [`${count.format(usage.input_tokens)} in`, `${count.format(usage.output_tokens)} out`];
  if (cached) parts.push(`${count.format(cached)} cached`);
  let text = `This chat: ${count.format(usage.total_tokens)} tokens (${parts.join(", ")})`;
  if (usage.estimated_cost !== undefined) text += ` · estimated cost ${formatCost(usage.estimated_cost)}`;
  if (summary) text += ` · ${count.format(summary.covered_messages)} earlier messages remembered as a summary`;
  return text;
}

// Small costs keep two significant digits (0.0012), larger ones two decimals (1.25).
function formatCost(cost) {
  return cost >= 1 ? cost.toFixed(2) : Number(cost.toPrecision(2)).toString();
}
