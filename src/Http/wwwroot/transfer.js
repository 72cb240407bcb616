// Export and import: the open chat as Markdown or JSON (the messages API's shape with a format and version), and a JSON
// export imported back as a new chat (POST sessions/import). Downloads are built in the page (a Blob), so nothing is
// fetched from elsewhere and the CSP holds.
import * as api from "./api.js";
import { ChatError, describe, asChatError } from "./errors.js";

export const FORMAT = "chatbedrock.chat";
export const VERSION = 1;

/** chatId(), chatTitle(id): the open chat; onImported(id, title): a new chat was made from a file; view: view.js. */
export function createTransfer({ exportMarkdown, exportJson, importButton, importFile, tools }, { chatId, chatTitle, onImported, view }) {
  async function exportAs(kind) {
    const id = chatId();
    if (!id) return;
    try {
      const messages = (await api.getMessages(id)).filter((m) => m.role === "user" || m.role === "assistant");
      const title = chatTitle(id) ?? "Chat";
      const stamp = new Date().toISOString();
      if (kind === "json") {
        const body = { format: FORMAT, version: VERSION, title, exported_at: stamp, session_id: id, messages };
        download(`${fileName(title)}.json`, "application/json", `${JSON.stringify(body, null, 2)}\n`);
      } else {
        download(`${fileName(title)}.md`, "text/markdown", markdown(title, stamp, messages));
      }
    } catch (error) {
      const problem = describe(asChatError(error));
      view.showNotice(`The chat could not be exported. ${problem.title}`, problem.advice, "Try again", () => exportAs(kind));
    }
  }

  async function importFrom(file) {
    try {
      let exported;
      try {
        exported = JSON.parse(await file.text());
      } catch {
        throw new Error("not JSON");
      }
      if (exported?.format !== FORMAT || !Array.isArray(exported.messages)) throw new Error("not an export");
      const id = await api.importChat(exported);
      const first = exported.messages.find((m) => m?.role === "user")?.content;
      onImported(id, typeof exported.title === "string" && exported.title.trim() ? exported.title : first);
    } catch (error) {
      const problem = error instanceof ChatError
        ? describe(error)
        : { title: "The file is not a chat exported as JSON.", advice: "Choose a file saved with “Export JSON”." };
      const advice = problem.detail ? `${problem.detail} ${problem.advice}` : problem.advice;
      view.showNotice(`The chat could not be imported. ${problem.title}`, advice, "Choose another file", () => importFile.click());
    } finally {
      importFile.value = "";
    }
  }

  exportMarkdown.addEventListener("click", () => exportAs("markdown"));
  exportJson.addEventListener("click", () => exportAs("json"));
  importButton.addEventListener("click", () => importFile.click());
  importFile.addEventListener("change", () => {
    if (importFile.files?.length) importFrom(importFile.files[0]);
  });

  return {
    /** Export applies to a chat the server has: shown only then. */
    update: () => { tools.hidden = !chatId(); },
  };
}

function markdown(title, stamp, messages) {
  const parts = [`# ${title}`, `_Exported from ChatBedrock on ${stamp}._`];
  for (const m of messages) {
    parts.push(m.role === "user" ? "## You" : "## Answer");
    parts.push(m.role === "user" ? quoteFences(m.content) : m.content);
    if (m.interrupted) parts.push("_(Stopped: the answer was cut short here.)_");
  }
  return `${parts.join("\n\n")}\n`;
}

// A question is plain text: keep a stray heading or list marker from turning into Markdown structure.
const quoteFences = (text) => text.split("\n").map((line) => (/^\s*(#|```|---|===)/.test(line) ? `\\${line}` : line)).join("\n");

const fileName = (title) => (title.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, " ").trim().slice(0, 60) || "chat");

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
