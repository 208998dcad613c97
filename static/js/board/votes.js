/* Votes the way facilitators run them: the facilitator's settings (votes per person,
 * most per card) and reveal; participants see no totals until the reveal, after which
 * each column's cards are sorted by votes (most first, ties in creation order). The
 * voter's own votes come from acks and the server's `votes` message (PROTOCOL:
 * docs/protocol.md, "Votes").
 *
 * `createVotes(page)` is called once by main.js with {state, strings, facilitator,
 * send, allowed, setVotesLeft, refresh, announce}; nothing happens on import. */

import { fmt } from "./text.js";

// The facilitator's vote settings: the field's id and the board's property.
const SETTINGS = [
  ["vote-settings-budget", "vote_budget"],
  ["vote-settings-per-card", "vote_per_card"],
];

/** The cards in the order the wall shows them: by votes once revealed (stable), else
 * in creation order. Pure: `totals` maps card ids to votes. */
export function orderCards(cards, totals, revealed) {
  const byId = [...cards].sort((a, b) => a.id - b.id);
  if (!revealed) return byId;
  return byId.sort((a, b) => (totals.get(b.id) || 0) - (totals.get(a.id) || 0));
}

export function createVotes(page) {
  const { state, strings: T, facilitator: FACILITATOR, send } = page;
  const $ = (id) => document.getElementById(id);
  const note = document.createElement("span");
  note.id = "votes-hidden-note";
  note.className = "board__votes-note";
  $("board-votes")?.append(" ", note);

  /** May this page show the totals? Facilitators always, participants once revealed. */
  function shown() {
    return FACILITATOR || Boolean(state.board.votes_revealed);
  }

  function order(cards) {
    return orderCards(cards, state.totals, Boolean(state.board.votes_revealed));
  }

  /** The person's own votes on one card and their votes left (ack or `votes`). */
  function own({ card, mine, left }) {
    if (typeof card === "number" && typeof mine === "number") state.mine.set(card, mine);
    if (typeof left === "number") page.setVotesLeft(left);
    page.refresh();
  }

  /** What the join answer says of the votes (its snapshot, or beside its events). */
  function load(votes) {
    if (!votes) return;
    state.mine = new Map(Object.entries(votes.mine || {}).map(([id, n]) => [Number(id), n]));
    if (shown()) state.totals = new Map(Object.entries(votes.totals || {}).map(([id, n]) => [Number(id), n]));
    if (typeof votes.left === "number") page.setVotesLeft(votes.left);
  }

  function apply({ type, data = {} }, live) {
    if (type === "vote:reveal") {
      if (data.totals) state.totals = new Map(Object.entries(data.totals).map(([id, n]) => [Number(id), n]));
      if (!shown()) state.totals = new Map();
      if (live && data.revealed) page.announce(T.votesRevealed);
    }
    // New settings replace what the facilitator had typed but not saved.
    if (type === "vote:settings") for (const input of settingInputs()) delete input.dataset.edited;
    if (type === "vote:reveal" || type === "vote:settings" || type === "board:phase") refresh();
  }

  function refresh() {
    note.textContent = shown() ? "" : T.votesHidden;
    const settings = $("vote-settings");
    if (settings) settings.hidden = !page.allowed("vote:settings");
    const reveal = $("reveal-button");
    if (reveal) {
      reveal.hidden = !page.allowed("vote:reveal");
      const revealed = Boolean(state.board.votes_revealed);
      reveal.setAttribute("aria-pressed", String(revealed));
      reveal.textContent = revealed ? T.unreveal : T.reveal;
    }
    // The board's settings, except in a field the facilitator is typing in or has
    // typed in and not saved yet (a phase change must not undo their typing).
    for (const [id, name] of SETTINGS) {
      const input = $(id);
      if (!input || input.dataset.edited || document.activeElement === input) continue;
      if (state.board[name]) input.value = String(state.board[name]);
    }
    page.refresh();
  }

  function settingInputs() {
    return SETTINGS.map(([id]) => $(id)).filter(Boolean);
  }
  for (const input of settingInputs()) {
    input.addEventListener("input", () => {
      input.dataset.edited = "1";
    });
  }

  $("vote-settings")?.addEventListener("submit", (event) => {
    event.preventDefault();
    event.stopPropagation();
    const budget = Number($("vote-settings-budget").value);
    const perCard = Number($("vote-settings-per-card").value);
    if (!(budget >= 1)) return;
    send("vote:settings", { budget, per_card: perCard >= 1 ? perCard : budget });
  });
  $("reveal-button")?.addEventListener("click", () => {
    send("vote:reveal", { revealed: !state.board.votes_revealed });
  });

  return { apply, load, order, own, refresh, shown, format: (n) => fmt(T.votes, { num: n }) };
}
