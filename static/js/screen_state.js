/* What the projector screen knows of the board, pure: no DOM, no socket. The join's
 * snapshot and the events (in `seq` order, from the board's sequencer) change the
 * state; the wall's columns and the vote results are read from it. The room sees no
 * hidden or merged card, and no total before the reveal (the staff connection the
 * screen uses receives them: drawing leaves them out). */

import { orderCards } from "./board/votes.js";

export const RESULTS_SHOWN = 10;

const byIds = (entries) => new Map(Object.entries(entries || {}).map(([id, n]) => [Number(id), n]));

/** A new state, before the first snapshot. */
export function emptyState(board) {
  return { board, cards: new Map(), commitments: new Map(), totals: new Map() };
}

/** Is this card on the room's wall? */
export function shown(card) {
  return Boolean(card) && !card.hidden && !card.merged_into && !card.deleted;
}

export function revealed(state) {
  return Boolean(state.board.votes_revealed);
}

/** The join's snapshot replaces everything. */
export function loadSnapshot(state, snapshot) {
  state.board = snapshot.board;
  state.cards = new Map(snapshot.cards.map((card) => [card.id, card]));
  state.commitments = new Map(snapshot.commitments.map((c) => [c.id, c]));
  state.totals = byIds(snapshot.votes?.totals);
}

function upsertCard(state, card) {
  if (!card) return;
  if (card.deleted) state.cards.delete(card.id);
  else state.cards.set(card.id, card);
}

/** One event of the board (PROTOCOL.md, `event`); unknown types leave the state. */
export function applyEvent(state, { type, data = {} }) {
  switch (type) {
    case "card:create":
    case "card:update":
    case "card:hide":
      upsertCard(state, data.card);
      break;
    case "card:delete":
      state.cards.delete(data.card?.id);
      break;
    case "card:move":
    case "card:merge":
      for (const card of [...(data.merged || []), ...(data.reclustered || []), data.card]) upsertCard(state, card);
      break;
    case "vote:cast":
    case "vote:retract":
      if (typeof data.card === "number" && typeof data.total === "number") state.totals.set(data.card, data.total);
      break;
    case "commitment:create":
    case "commitment:update":
    case "commitment:sign":
      if (data.commitment) state.commitments.set(data.commitment.id, data.commitment);
      break;
    default:
      if (type === "vote:reveal" && data.totals) state.totals = byIds(data.totals);
      if (data.board && typeof data.board === "object") state.board = data.board;
  }
}

/** Theme id -> [{card, members}]: the heads of each column with the cards clustered
 * under them, by votes once revealed; a card of a theme not shown sits in the first. */
export function wallColumns(state, themeIds) {
  const cards = [...state.cards.values()].filter(shown);
  const ids = new Set(cards.map((card) => card.id));
  const isMember = (card) => Boolean(card.cluster) && ids.has(card.cluster) && !state.cards.get(card.cluster).cluster;
  const order = (list) => orderCards(list, state.totals, revealed(state));
  const columns = new Map(themeIds.map((id) => [id, []]));
  for (const head of order(cards.filter((card) => !isMember(card)))) {
    const column = columns.has(head.theme) ? head.theme : themeIds[0];
    const members = order(cards.filter((card) => card.cluster === head.id && isMember(card)));
    columns.get(column)?.push({ card: head, members });
  }
  return columns;
}

/** The most voted cards after the reveal (none before). */
export function voteResults(state, limit = RESULTS_SHOWN) {
  if (!revealed(state)) return [];
  const cards = [...state.cards.values()].filter(shown);
  return orderCards(cards, state.totals, true)
    .slice(0, limit)
    .map((card) => ({ card, votes: state.totals.get(card.id) || 0 }));
}
