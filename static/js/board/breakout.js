/* Breakout groups (docs/protocol.md, "Breakout groups"). On the main board, the
 * facilitator splits the room (`breakout:start` through the page's outbox) and ends
 * the breakout (`breakout:end`); the running groups are listed with a link to follow
 * each. A participant's page, told by the main board's `breakout:start` that they are
 * in a group, opens the page again: the server then shows their group's board, whose
 * script joins it (`join` with the group board's id). A group's page, told by its
 * board's `breakout:end` that the work went back, opens the main board again. What
 * happens is said through the page's live region. Split "by hand", the facilitator
 * picks a group for each participant here (breakout_assign.js); a refused split is
 * explained beside the form. */

import { createAssignment } from "./breakout_assign.js";
import { el } from "./dom.js";
import { fmt } from "./text.js";

const START = "breakout:start";
const END = "breakout:end";

/** Wire the breakout panel. `page`: {socket, board (id), me (person id), facilitator,
 * strings (the `breakout` strings), errors (the board's error texts by code), send,
 * say, onAck (to hear the answers to `breakout:start`)}. Returns {showPeople} (who is
 * on the board, from the presence list), or nothing without a panel. */
export function startBreakout(page) {
  const panel = document.getElementById("board-breakout");
  if (!panel) return;
  const { socket, board, me, facilitator, strings: T, errors, send, say } = page;
  const mainUrl = panel.dataset.mainUrl;
  const onGroupBoard = Boolean(panel.dataset.group);
  const form = document.getElementById("breakout-start");
  const running = document.getElementById("breakout-running");
  const list = document.getElementById("breakout-list");
  const error = document.getElementById("breakout-error");
  const mode = form?.elements.namedItem("mode");
  const byHand = form ? createAssignment(form, T) : null;

  function reopen(text, url) {
    say(text);
    // A moment for the live region to speak, then the other board.
    setTimeout(() => window.location.assign(url), 300);
  }

  function started(data) {
    const groups = data.groups || [];
    if (facilitator) {
      showGroups(groups);
      say(fmt(T.started, { num: groups.length }));
      return;
    }
    const mine = groups.find((group) => (group.members || []).includes(me));
    if (mine) reopen(fmt(T.moving, { num: mine.no }), mainUrl);
  }

  function ended(data) {
    if (onGroupBoard) {
      reopen(T.back, mainUrl);
      return;
    }
    if (facilitator) showGroups([]);
    if ((data.groups || []).length) say(T.ended);
  }

  function showGroups(groups) {
    if (!form || !running) return;
    form.hidden = groups.length > 0;
    running.hidden = groups.length === 0;
    list.replaceChildren(
      ...groups.map((group) => {
        const url = `${mainUrl}?board=${encodeURIComponent(group.board)}`;
        const text = fmt(T.follow, { num: group.no, people: (group.members || []).length });
        return el("li", {}, [el("a", { href: url, text })]);
      }),
    );
  }

  function receive(message) {
    if (!message || message.board !== board) return;
    if (message.type === START) started(message.data || {});
    else if (message.type === END) ended(message.data || {});
  }

  socket.on("event", receive);
  socket.on("events", (messages) => (messages || []).forEach(receive));

  /** A refused split, said beside the form; an accepted one clears it. */
  function answered(ack) {
    if (ack.ok) {
      error.textContent = "";
      return;
    }
    const code = ack.error?.code;
    let text = errors[code] || errors.internal;
    if (code === "invalid" && ack.error?.fields?.assignment) text += ` ${T.assignment}`;
    error.textContent = text;
  }

  function showMode() {
    document.getElementById("breakout-people").hidden = mode.value !== "manual";
  }

  form?.addEventListener("submit", (event) => {
    event.preventDefault();
    error.textContent = "";
    const payload = { groups: Number(form.elements.namedItem("groups").value), mode: mode.value };
    if (mode.value === "manual") payload.assignment = byHand.assignment();
    send(START, payload);
  });
  if (form) {
    mode.addEventListener("change", showMode);
    showMode();
    page.onAck(START, answered);
  }
  document.getElementById("breakout-end")?.addEventListener("click", () => send(END, {}));
  return { showPeople: (people) => byHand?.showPeople(people) };
}
