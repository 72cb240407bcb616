// Syntax colours in code blocks. Prism (vendored and pinned: vendor/prism.js, re-vendored by tools/vendor-prism.sh)
// only splits the code into tokens; the spans are built here with text nodes, so neither Prism's HTML output nor
// innerHTML is ever used and code stays text (ADR 0041). Class names come from Prism's grammars, never from the answer.
import Prism from "./vendor/prism.js";

// Longer blocks stay plain: colours are not worth a stalled page while an answer streams.
const MAX_HIGHLIGHTED = 20_000;
const CLASS_NAME = /^[\w-]+$/;

/** Colours each code block of a rendered answer whose language Prism knows; others are left as they are. */
export function highlightCodeBlocks(root) {
  for (const block of root.querySelectorAll(".code-block")) {
    const language = block.querySelector(".code-head span")?.textContent.trim().toLowerCase();
    const code = block.querySelector("pre code");
    if (language && code) highlight(code, language);
  }
}

function highlight(code, language) {
  const grammar = Object.hasOwn(Prism.languages, language) ? Prism.languages[language] : undefined;
  const text = code.textContent;
  if (typeof grammar !== "object" || grammar === null || text.length > MAX_HIGHLIGHTED) return;
  let tokens;
  try {
    tokens = Prism.tokenize(text, grammar);
  } catch {
    return; // a grammar that fails on odd input: the plain code is still all there
  }
  code.replaceChildren(...tokens.map(toNode));
  code.classList.add("highlighted");
}

function toNode(token) {
  if (typeof token === "string") return document.createTextNode(token);
  const span = document.createElement("span");
  span.className = ["token", token.type, ...[token.alias ?? []].flat()].filter((name) => CLASS_NAME.test(name)).join(" ");
  span.append(...[token.content].flat().map(toNode));
  return span;
}
