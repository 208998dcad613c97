// The projector screen's state (static/js/screen_state.js): pure functions.
import assert from "node:assert/strict";
import { test } from "node:test";

import { applyEvent, emptyState, loadSnapshot, voteResults, wallColumns } from "../../static/js/screen_state.js";

const card = (id, theme, more = {}) => ({ id, theme, kind: "idea", text: `card ${id}`, hidden: false, cluster: null, ...more });

function board(more = {}) {
  const state = emptyState({ id: 1, phase: "ideas" });
  loadSnapshot(state, {
    board: { id: 1, phase: "vote", votes_revealed: false, ...more },
    cards: [card(1, 10), card(2, 10), card(3, 20), card(4, 10, { hidden: true }), card(5, 99)],
    commitments: [],
    votes: { totals: { 1: 1, 2: 4, 3: 2 } },
  });
  return state;
}

const ids = (column) => column.map(({ card: head, members }) => [head.id, members.map((m) => m.id)]);

test("the wall leaves hidden cards out and puts a card of an unknown theme first", () => {
  const columns = wallColumns(board(), [10, 20]);
  assert.deepEqual(ids(columns.get(10)), [[1, []], [2, []], [5, []]]);
  assert.deepEqual(ids(columns.get(20)), [[3, []]]);
});

test("a moved card joins its cluster's head; a merged one leaves the wall", () => {
  const state = board();
  applyEvent(state, { type: "card:move", data: { card: card(3, 10, { cluster: 1 }) } });
  applyEvent(state, { type: "card:merge", data: { card: card(1, 10), merged: [card(2, 10, { merged_into: 1 })] } });
  const columns = wallColumns(state, [10, 20]);
  assert.deepEqual(ids(columns.get(10)), [[1, [3]], [5, []]]);
  assert.deepEqual(ids(columns.get(20)), []);
});

test("before the reveal no result is given, and the wall keeps creation order", () => {
  const state = board();
  applyEvent(state, { type: "vote:cast", data: { card: 1, total: 9 } });
  assert.deepEqual(voteResults(state), []);
  assert.deepEqual(ids(wallColumns(state, [10, 20]).get(10)).map(([id]) => id), [1, 2, 5]);
});

test("the reveal sorts the wall and the results by votes, most first", () => {
  const state = board();
  applyEvent(state, {
    type: "vote:reveal",
    data: { board: { id: 1, phase: "vote", votes_revealed: true }, totals: { 1: 1, 2: 4, 3: 2 } },
  });
  assert.deepEqual(voteResults(state).map(({ card: c, votes }) => [c.id, votes]), [[2, 4], [3, 2], [1, 1], [5, 0]]);
  assert.deepEqual(ids(wallColumns(state, [10, 20]).get(10)).map(([id]) => id), [2, 1, 5]);
  assert.equal(voteResults(state, 2).length, 2);
});

test("board events replace the board; a deleted card goes; unknown events change nothing", () => {
  const state = board();
  applyEvent(state, { type: "board:spotlight", data: { board: { id: 1, phase: "vote", spotlight: { type: "card", id: 2 } } } });
  assert.deepEqual(state.board.spotlight, { type: "card", id: 2 });
  applyEvent(state, { type: "card:delete", data: { card: { id: 2 } } });
  applyEvent(state, { type: "something:new", data: { card: card(7, 10) } });
  assert.deepEqual([...state.cards.keys()], [1, 3, 4, 5]);
});

test("a signature's event brings the commitment with its signatures", () => {
  const state = board();
  const commitment = { id: 8, title: "Crates", signatures: [{ id: 1, organisation: { name: "EcoPack" } }] };
  applyEvent(state, { type: "commitment:sign", data: { commitment } });
  assert.equal(state.commitments.get(8).signatures.length, 1);
});
