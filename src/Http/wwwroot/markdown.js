// Over 250 lines: one renderer, blocks and inlines, kept as a single reviewable unit.
// A small Markdown renderer for untrusted model output (ADR 0041). It never parses HTML: every piece of the
// text becomes a DOM text node or an element this file names, so markup in the text shows as text. Links are
// kept only for http(s) and mailto; images are never loaded (no external request), only linked.

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?(.*)$/;
const ITEM = /^( {0,12})([-*+]|\d{1,9}[.)])\s+(.*)$/;
const TABLE_DIVIDER = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;
const PUNCTUATION = /[!-/:-@[-`{-~]/;

/** Renders Markdown into a DocumentFragment of elements and text nodes only. */
export function renderMarkdown(text) {
  const fragment = document.createDocumentFragment();
  renderBlocks(String(text).replace(/\r\n?/g, "\n").split("\n"), fragment);
  return fragment;
}

function el(name, ...children) {
  const element = document.createElement(name);
  element.append(...children);
  return element;
}

function renderBlocks(lines, parent) {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let match;
    if (!line.trim()) {
      i++;
    } else if ((match = FENCE.exec(line))) {
      i = renderCode(lines, i, match, parent);
    } else if ((match = HEADING.exec(line))) {
      // Answers sit under the page's h1/h2, so their headings start at h3.
      const heading = el(`h${Math.min(match[1].length + 2, 6)}`);
      renderInline(match[2], heading);
      parent.append(heading);
      i++;
    } else if (RULE.test(line)) {
      parent.append(el("hr"));
      i++;
    } else if (QUOTE.test(line)) {
      const quoted = [];
      while (i < lines.length && (match = QUOTE.exec(lines[i]))) {
        quoted.push(match[1]);
        i++;
      }
      const quote = el("blockquote");
      renderBlocks(quoted, quote);
      parent.append(quote);
    } else if (ITEM.test(line)) {
      i = renderList(lines, i, parent);
    } else if (line.includes("|") && i + 1 < lines.length && TABLE_DIVIDER.test(lines[i + 1]) && lines[i + 1].includes("-")) {
      i = renderTable(lines, i, parent);
    } else {
      i = renderParagraph(lines, i, parent);
    }
  }
}

function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || RULE.test(line) || QUOTE.test(line) || ITEM.test(line);
}

function renderParagraph(lines, i, parent) {
  const paragraph = el("p");
  let first = true;
  while (i < lines.length && lines[i].trim() && (first || !startsBlock(lines[i]))) {
    // A single line break is kept: chat answers (and Japanese text) use it as a real break.
    if (!first) paragraph.append(el("br"));
    renderInline(lines[i].trim(), paragraph);
    first = false;
    i++;
  }
  parent.append(paragraph);
  return i;
}

function renderCode(lines, i, match, parent) {
  const [, fence, language] = match;
  const indent = lines[i].length - lines[i].trimStart().length;
  const body = [];
  i++;
  // An unclosed fence runs to the end, so a block still streaming in already shows as code.
  while (i < lines.length && !(lines[i].trim().startsWith(fence) && lines[i].trim().replaceAll(fence[0], "") === "")) {
    body.push(lines[i].slice(Math.min(indent, lines[i].length - lines[i].trimStart().length)));
    i++;
  }
  parent.append(codeBlock(body.join("\n"), language));
  return i + 1;
}

function codeBlock(code, language) {
  const copy = el("button", "Copy");
  copy.type = "button";
  copy.className = "copy-code";
  copy.setAttribute("aria-label", language ? `Copy ${language} code` : "Copy code");
  const head = el("div", el("span", language || "code"), copy);
  head.className = "code-head";
  const block = el("div", head, el("pre", el("code", code)));
  block.className = "code-block";
  return block;
}

function renderList(lines, i, parent) {
  const first = ITEM.exec(lines[i]);
  const ordered = /\d/.test(first[2]);
  const list = el(ordered ? "ol" : "ul");
  if (ordered && Number.parseInt(first[2], 10) !== 1) list.start = Number.parseInt(first[2], 10);
  const baseIndent = first[1].length;
  while (i < lines.length) {
    const match = ITEM.exec(lines[i]);
    if (!match || match[1].length > baseIndent + 1 || /\d/.test(match[2]) !== ordered) break;
    const contentIndent = match[1].length + match[2].length + 1;
    const itemLines = [match[3]];
    i++;
    // The item goes on over indented lines (nested lists, more paragraphs) and lazy continuation lines.
    while (i < lines.length) {
      const line = lines[i];
      const indent = line.length - line.trimStart().length;
      if (!line.trim()) {
        const next = lines[i + 1];
        if (next === undefined || !next.trim() || next.length - next.trimStart().length < Math.min(contentIndent, baseIndent + 2)) break;
        itemLines.push("");
      } else if (indent >= Math.min(contentIndent, baseIndent + 2)) {
        itemLines.push(line.slice(Math.min(indent, contentIndent)));
      } else if (!startsBlock(line) && itemLines[itemLines.length - 1].trim()) {
        itemLines.push(line.trim());
      } else {
        break;
      }
      i++;
    }
    const item = el("li");
    renderBlocks(itemLines, item);
    list.append(item);
    while (i < lines.length && !lines[i].trim() && ITEM.test(lines[i + 1] ?? "")) i++;
  }
  parent.append(list);
  return i;
}

function splitRow(line) {
  const cells = [];
  let cell = "";
  const row = line.trim().replace(/^\|/, "").replace(/(?<!\\)\|$/, "");
  for (let i = 0; i < row.length; i++) {
    if (row[i] === "\\" && row[i + 1] === "|") {
      cell += "|";
      i++;
    } else if (row[i] === "|") {
      cells.push(cell.trim());
      cell = "";
    } else {
      cell += row[i];
    }
  }
  cells.push(cell.trim());
  return cells;
}

function renderTable(lines, i, parent) {
  const header = splitRow(lines[i]);
  const alignments = splitRow(lines[i + 1]).map((spec) =>
    spec.startsWith(":") && spec.endsWith(":") ? "center" : spec.endsWith(":") ? "right" : "");
  const row = (cells, tag) => el("tr", ...header.map((_, column) => {
    const cell = el(tag);
    if (alignments[column]) cell.style.textAlign = alignments[column];
    renderInline(cells[column] ?? "", cell);
    return cell;
  }));
  const body = el("tbody");
  i += 2;
  while (i < lines.length && lines[i].includes("|") && lines[i].trim()) {
    body.append(row(splitRow(lines[i]), "td"));
    i++;
  }
  const wrapper = el("div", el("table", el("thead", row(header, "th")), body));
  wrapper.className = "table-wrap";
  parent.append(wrapper);
  return i;
}

/** Appends the inline Markdown of one line (code spans, links, emphasis, autolinks) to parent. */
function renderInline(text, parent) {
  let plain = "";
  const flush = () => {
    if (plain) parent.append(plain);
    plain = "";
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === "\\" && PUNCTUATION.test(text[i + 1] ?? "")) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "`") {
      const run = /^`+/.exec(text.slice(i))[0];
      const end = text.indexOf(run, i + run.length);
      if (end > 0) {
        flush();
        const inner = text.slice(i + run.length, end);
        parent.append(el("code", /^ .* $/.test(inner) ? inner.slice(1, -1) : inner));
        i = end + run.length;
      } else {
        plain += run;
        i += run.length;
      }
      continue;
    }
    if (c === "[" || (c === "!" && text[i + 1] === "[")) {
      const link = parseLink(text, c === "!" ? i + 1 : i);
      if (link) {
        flush();
        const label = c === "!" ? link.label || link.url : link.label;
        if (link.href) {
          const anchor = externalLink(link.href);
          if (c === "!") anchor.append(label);
          else renderInline(label, anchor);
          parent.append(anchor);
        } else {
          renderInline(label, parent);
        }
        i = link.end;
        continue;
      }
    }
    if (c === "*" || c === "_" || c === "~") {
      const emphasis = parseEmphasis(text, i);
      if (emphasis) {
        flush();
        const element = el(emphasis.tag);
        renderInline(emphasis.inner, element);
        parent.append(emphasis.tag === "strong" && emphasis.emphasised ? el("em", element) : element);
        i = emphasis.end;
        continue;
      }
    }
    // Not after an ASCII letter or digit; a URL right after Japanese text ("詳細はhttps://…") is still a link.
    if (c === "h" && !/[A-Za-z0-9]/.test(text[i - 1] ?? "")) {
      const url = /^https?:\/\/[!#-&(-;=?-_a-z~]+/.exec(text.slice(i))?.[0].replace(/[.,;:!?)\]]+$/, "");
      const href = url && safeHref(url);
      if (href) {
        flush();
        parent.append(externalLink(href, url));
        i += url.length;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
}

function parseLink(text, open) {
  let depth = 0;
  let close = -1;
  for (let i = open; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === "[") depth++;
    else if (text[i] === "]" && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0 || text[close + 1] !== "(") return null;
  depth = 0;
  for (let i = close + 1; i < text.length; i++) {
    if (text[i] === "(") depth++;
    else if (text[i] === ")" && --depth === 0) {
      const target = text.slice(close + 2, i).trim().replace(/\s+"[^"]*"$/, "").replace(/^<(.*)>$/, "$1");
      return { label: text.slice(open + 1, close), url: target, href: safeHref(target), end: i + 1 };
    }
  }
  return null;
}

function parseEmphasis(text, i) {
  const c = text[i];
  const run = text.slice(i).match(c === "~" ? /^~~/ : c === "*" ? /^\*{1,3}/ : /^_{1,3}/)?.[0];
  if (!run || /\s/.test(text[i + run.length] ?? " ")) return null;
  // snake_case_words stay as they are: "_" opens and closes emphasis only at word edges.
  if (c === "_" && /[\p{L}\p{N}]/u.test(text[i - 1] ?? "")) return null;
  for (let end = text.indexOf(run, i + run.length); end > 0; end = text.indexOf(run, end + 1)) {
    if (/\s/.test(text[end - 1]) || text[end + run.length] === c) continue;
    if (c === "_" && /[\p{L}\p{N}]/u.test(text[end + run.length] ?? "")) continue;
    const tag = c === "~" ? "del" : run.length === 1 ? "em" : "strong";
    return { tag, emphasised: run.length === 3, inner: text.slice(i + run.length, end), end: end + run.length };
  }
  return null;
}

function safeHref(url) {
  try {
    const parsed = new URL(url);
    return ["http:", "https:", "mailto:"].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

function externalLink(href, text) {
  const anchor = el("a");
  anchor.href = href;
  anchor.target = "_blank";
  anchor.rel = "noopener noreferrer nofollow";
  if (text) anchor.append(text);
  return anchor;
}
