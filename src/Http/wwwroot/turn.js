// One turn: send the message, show the answer as it streams, Stop, and Retry; and running the last turn again
// (Regenerate, Edit). After a Stop or a lost connection the page cannot know what the server stored, so a Retry first
// looks (docs/chat-page.md, "Stop and Retry"): a whole answer is shown, a stopped one is regenerated; and it resends
// the turn's idempotency key, so a turn stored after the page stopped looking is not stored twice.
import * as api from "./api.js";
import { describe, asChatError } from "./errors.js";

/**
 * view: view.js; composer: composer.js; chat: chat.js; onModelProblem(): the model's status may have changed;
 * onStored(id): a turn of chat id is stored (usage.js).
 */
export function createTurns({ view, composer, chat, onModelProblem, onStored = () => {} }) {
  // The turn in flight, or the last one that failed: {input, user, answer, error, controller, text, before, unsure, requestId}.
  let turn = null;

  /** Sends a turn; with unsure (a Retry after Stop or a lost connection), first looks whether the server kept it. */
  async function send(input, { unsure = false, requestId = newRequestId() } = {}) {
    if (turn?.controller) return;
    if (turn) discard(turn); // a failed turn leaves once the chat moves on; a reload shows it only if the server kept it
    view.hideNotice();
    const before = view.userMessageCount();
    const user = view.addMessage("user", input);
    const answer = view.addMessage("assistant", "");
    answer.setAttribute("aria-busy", "true");
    answer.classList.add("pending");
    const current = { input, user, answer, text: "", controller: new AbortController(), before, unsure, requestId };
    turn = current;
    composer.setBusy(true);
    view.scrollToEnd(true);
    try {
      const kept = unsure && chat.id() ? await keptAnswer(current) : undefined;
      if (kept && !kept.interrupted) {
        if (turn === current) complete(current, { output_text: kept.content });
        return;
      }
      // What arrived before the Stop is stored as the last turn: run that turn again rather than adding another.
      const events = kept?.interrupted
        ? api.redoTurn({ sessionId: chat.id() }, current.controller.signal)
        : api.sendTurn({ input, sessionId: chat.id(), requestId }, current.controller.signal);
      await receive(current, events);
    } catch (error) {
      if (turn === current) fail(current, error);
    } finally {
      current.controller = null;
      if (turn === current || !turn?.controller) composer.setBusy(false);
    }
  }

  async function receive(current, events) {
    let frame = 0;
    try {
      for await (const { type, data } of events) {
        if (turn !== current) {
          // Left for another chat: the answer goes on in the background (reading on keeps the request alive, so the
          // server finishes and stores it) and its chat stays in the list.
          if (type === "start" || type === "done") keepInBackground(current, data.session_id);
          if (type === "done") return;
          continue;
        }
        if (type === "start") {
          current.sessionId = data.session_id;
          chat.adopt(data.session_id);
        } else if (type === "delta") {
          current.text += data.text ?? "";
          current.answer.classList.remove("pending");
          // Render at most once a frame however fast deltas come.
          frame ||= requestAnimationFrame(() => {
            frame = 0;
            if (turn === current) {
              view.setText(current.answer, current.text);
              view.scrollToEnd(false);
            }
          });
        } else if (type === "done") {
          cancelAnimationFrame(frame);
          complete(current, data);
          return;
        }
      }
    } finally {
      cancelAnimationFrame(frame);
    }
  }

  /**
   * The answer the server stored for this turn although the browser never saw it finish (on Lambda a Stop or a
   * dropped connection does not end the function), so a Retry does not store the question twice.
   */
  async function keptAnswer(current) {
    const messages = await api.getMessages(chat.id(), current.controller.signal);
    const users = messages.flatMap((m, index) => (m.role === "user" ? [index] : []));
    const last = users.at(-1);
    if (users.length <= current.before || messages[last].content !== current.input) return undefined;
    return messages.slice(last + 1).find((m) => m.role === "assistant");
  }

  /** Runs the last turn again: the same question (Regenerate) or, with input, the edited one (Edit). */
  async function redo(input) {
    const last = view.lastTurn();
    if (turn?.controller || !chat.id() || !last) return;
    if (turn) discard(turn);
    view.hideNotice();
    const { user, answer } = last;
    const question = input ?? user.querySelector(".body").textContent;
    if (input !== undefined) view.setText(user, input);
    view.setStopped(answer, false);
    answer.classList.remove("incomplete");
    answer.classList.add("pending");
    answer.setAttribute("aria-busy", "true");
    view.setText(answer, "");
    const current = { input: question, user, answer, text: "", controller: new AbortController(), before: 0, redo: input ?? null };
    turn = current;
    composer.setBusy(true);
    try {
      await receive(current, api.redoTurn({ sessionId: chat.id(), input }, current.controller.signal));
    } catch (error) {
      if (turn === current) fail(current, error);
    } finally {
      current.controller = null;
      if (turn === current || !turn?.controller) composer.setBusy(false);
    }
  }

  // One key per turn, kept by its Retry. crypto.randomUUID needs a secure context; loopback http is one.
  function newRequestId() {
    return globalThis.crypto?.randomUUID?.() ?? `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }

  function keepInBackground(current, id) {
    current.sessionId ??= id;
    if (current.sessionId) chat.keep(current.sessionId, current.input);
  }

  function complete(current, reply) {
    chat.adopt(reply.session_id);
    current.text = reply.output_text ?? current.text;
    current.answer.classList.remove("pending");
    current.answer.removeAttribute("aria-busy");
    view.setText(current.answer, current.text);
    view.markLastTurn();
    chat.remember(current.input);
    onStored(chat.id());
    if (reply.title) chat.proposeTitle(reply.title);
    turn = null;
    view.announce(current.answer.querySelector(".body").textContent);
    view.scrollToEnd(false);
  }

  function fail(current, error) {
    const failure = asChatError(error);
    const problem = describe(failure);
    current.answer.removeAttribute("aria-busy");
    current.answer.classList.remove("pending");
    if (current.text) {
      view.setText(current.answer, current.text);
      current.answer.classList.add("incomplete");
      // Where the server hears the Stop, it keeps what arrived, marked the same way (docs/chat-page.md).
      if (failure.type === "Stopped") {
        view.setStopped(current.answer, true);
        chat.remember(current.input);
      }
    } else if (current.redo === undefined) {
      current.answer.remove();
    }
    if (current.redo === undefined && !(failure.type === "Stopped" && current.text)) {
      // Not stored (as far as the page knows): Edit and Regenerate would act on the stored turn before it.
      for (const element of [current.user, current.answer]) element.classList.remove("last-turn");
    }
    // Stopped or cut off: the server may have finished and stored the turn all the same.
    current.unsure ||= ["Stopped", "Network", "Incomplete"].includes(failure.type);
    if (!problem.retry && current.redo === undefined) {
      // Nothing to resend as it is: give the text back to edit.
      current.user.remove();
      composer.restore(current.input);
    }
    current.error = view.showTurnError(failure.type, problem, problem.retry ? () => resend(current) : undefined);
    view.scrollToEnd(true);
    if (failure.type === "ModelNotConfigured") onModelProblem(failure.message === failure.type ? "" : failure.message);
    else if (failure.type === "ModelAccessDenied") onModelProblem();
  }

  function resend(failed) {
    if (turn !== failed) return;
    discard(failed);
    if (failed.redo !== undefined) redo(failed.redo ?? undefined);
    else send(failed.input, { unsure: failed.unsure, requestId: failed.requestId });
    composer.focus();
  }

  function discard(failed) {
    // A redo's messages are the chat's stored last turn: only its error box goes.
    const elements = failed.redo !== undefined ? [failed.error] : [failed.user, failed.answer, failed.error];
    for (const element of elements) element?.remove();
    turn = null;
  }

  return {
    send,
    redo,
    /** Whether a turn is streaming (a second one waits). */
    busy: () => Boolean(turn?.controller),
    stop: () => turn?.controller?.abort(),
    /**
     * The conversation is going away (another chat, a new one): a turn in flight goes on in the background (its chat
     * listed as soon as its id is known), a failed one is dropped.
     */
    leave() {
      const left = turn;
      turn = null;
      if (left?.controller) {
        if (left.sessionId ?? chat.id()) keepInBackground(left, chat.id());
        composer.setBusy(false);
      }
    },
  };
}
