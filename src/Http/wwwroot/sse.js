// Server-Sent Events over a fetch response body (EventSource cannot POST). Follows the SSE line rules:
// "event:" names the event, "data:" lines are joined with "\n", a blank line dispatches, ":" is a comment.

/** Yields {type, data} for every complete event of the response body; an event cut off at the end is dropped. */
export async function* readEvents(body) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  let type = "";
  let data = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      // A "\r" at the very end may be the first half of "\r\n": wait for the next chunk.
      while ((end = buffer.search(/\r\n|\n|\r(?=[^\n])/)) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
        if (line === "") {
          if (data.length) yield { type: type || "message", data: data.join("\n") };
          type = "";
          data = [];
          continue;
        }
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const text = colon < 0 ? "" : line.slice(colon + (line[colon + 1] === " " ? 2 : 1));
        if (field === "event") type = text;
        else if (field === "data") data.push(text);
      }
    }
  } finally {
    // Also when the reader of the events stops early: the download stops too.
    await reader.cancel().catch(() => {});
  }
}
