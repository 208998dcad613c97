/* The facilitator's "Suggested groups" panel (`cluster:suggest`): in the cluster
 * phase, a button asks the server for groups of similar cards; each group is a list of
 * checkboxes (untick the cards that do not belong) with two buttons: accept (ordinary
 * `card:move` changes through the page's outbox, so they are sent, retried and
 * acknowledged like any other) or dismiss. What happens is said through the page's
 * live region (announcer.js). The panel shows only when the rules allow the request;
 * it follows the board's phase through the root's `data-phase`. */

import { Announcer } from "./announcer.js";
import { el } from "./dom.js";
import { acceptMoves, liveCards, mayRequest } from "./suggest_plan.js";
import { fmt, short } from "./text.js";

const REQUEST = "cluster:suggest";
const ACK_TIMEOUT_MS = 10000;

/** Wire the panel, if the page has one (facilitators only). `page`: {root, socket,
 * board (id), state, rules (the `board-rules` JSON), strings, errors (the board's
 * error texts by code), send, say}. */
export function startSuggestions(page) {
  const panel = document.getElementById("board-suggestions");
  if (!panel) return;
  const { root, socket, board, state, rules, strings: T, send } = page;
  const list = document.getElementById("suggestions-list");
  const status = document.getElementById("suggestions-status");
  const ask = document.getElementById("suggestions-ask");
  const speaker = new Announcer({ say: page.say, summary: (num, last) => last });
  let groups = []; // [{number, cards: [ids], label}]

  function allowed() {
    return mayRequest(rules, true, state.board, REQUEST);
  }

  function setStatus(text) {
    status.textContent = text;
    speaker.now(text);
  }

  function refresh() {
    panel.hidden = !allowed();
    if (panel.hidden && groups.length) {
      groups = [];
      list.replaceChildren();
      status.textContent = "";
    }
  }

  function request() {
    if (!allowed() || !socket.connected) {
      setStatus(T.failed);
      return;
    }
    ask.disabled = true;
    setStatus(T.looking);
    socket.timeout(ACK_TIMEOUT_MS).emit(REQUEST, { board }, (error, ack) => {
      ask.disabled = false;
      if (error || !ack?.ok) {
        const reason = page.errors?.[ack?.error?.code];
        setStatus(reason ? `${T.failed} ${reason}` : T.failed);
        return;
      }
      show(ack.groups || []);
    });
  }

  function show(found) {
    groups = found
      .map((group, index) => ({ number: index + 1, cards: liveCards(group.cards, state.cards), label: group.label }))
      .filter((group) => group.cards.length > 1);
    list.replaceChildren(...groups.map(renderGroup));
    setStatus(groups.length ? fmt(T.found, { num: groups.length }) : T.none);
  }

  function renderGroup(group) {
    const legend = el("legend", { text: fmt(T.group, { num: group.number, label: group.label }) });
    const boxes = el("ul", { class: "board-suggestion__cards" }, group.cards.map((id) => {
      const boxId = `suggestion-${group.number}-${id}`;
      const card = state.cards.get(id);
      return el("li", {}, [
        el("input", { type: "checkbox", id: boxId, value: String(id), checked: true }),
        el("label", { for: boxId, text: short(card?.text ?? "") }),
      ]);
    }));
    const actions = el("div", { class: "board-suggestion__actions" }, [
      el("button", { type: "button", "data-suggestion": "accept", text: fmt(T.accept, { num: group.number }) }),
      el("button", { type: "button", "data-suggestion": "dismiss", text: fmt(T.dismiss, { num: group.number }) }),
    ]);
    return el("li", { class: "board-suggestion", "data-group": group.number }, [
      el("fieldset", {}, [legend, boxes, actions]),
    ]);
  }

  function accept(item, number) {
    const ticked = [...item.querySelectorAll("input[type=checkbox]:checked")].map((box) => Number(box.value));
    const { head, moves } = acceptMoves(ticked, state.cards);
    if (head === null) {
      setStatus(T.tickTwo);
      return;
    }
    for (const move of moves) send("card:move", move);
    drop(item, number, fmt(T.accepted, { num: number, id: head }));
  }

  function drop(item, number, said) {
    const next = item.nextElementSibling || item.previousElementSibling;
    groups = groups.filter((group) => group.number !== number);
    item.remove();
    // Focus stays in the panel: on the next group's first box, or the ask button.
    (next?.querySelector("input") || ask).focus();
    setStatus(said);
  }

  panel.addEventListener("click", (event) => {
    const control = event.target.closest("button[data-suggestion]");
    if (!control) return;
    const item = control.closest("[data-group]");
    const number = Number(item.dataset.group);
    if (control.dataset.suggestion === "accept") accept(item, number);
    else drop(item, number, fmt(T.dismissed, { num: number }));
  });
  ask.addEventListener("click", request);
  new MutationObserver(refresh).observe(root, { attributes: true, attributeFilter: ["data-phase"] });
  refresh();
}
