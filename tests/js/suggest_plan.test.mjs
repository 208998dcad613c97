// Suggested groups on the page (static/js/board/suggest_plan.js): when the page may
// ask, what is left of a group as the board changes, and the card:move changes that
// accept a group.
import assert from "node:assert/strict";
import { test } from "node:test";

import { acceptMoves, liveCards, mayRequest } from "../../static/js/board/suggest_plan.js";

const RULES_JSON = { requests: { "cluster:suggest": ["cluster"] } };

function cardsOf(list) {
  return new Map(list.map((card) => [card.id, { cluster: null, version: 1, ...card }]));
}

test("only the facilitator may ask for suggestions, and only in the request's phases", () => {
  assert.equal(mayRequest(RULES_JSON, true, { phase: "cluster" }, "cluster:suggest"), true);
  assert.equal(mayRequest(RULES_JSON, false, { phase: "cluster" }, "cluster:suggest"), false);
  assert.equal(mayRequest(RULES_JSON, true, { phase: "ideas" }, "cluster:suggest"), false);
  assert.equal(mayRequest({}, true, { phase: "cluster" }, "cluster:suggest"), false);
});

test("deleted, hidden and merged cards drop out of a suggested group", () => {
  const cards = cardsOf([{ id: 1 }, { id: 2, hidden: true }, { id: 3, deleted: true }, { id: 4, merged_into: 1 }, { id: 5 }]);
  assert.deepEqual(liveCards([5, 1, 2, 3, 4, 6], cards), [5, 1]);
});

test("accepting moves every other ticked card into the first, at its version", () => {
  const cards = cardsOf([{ id: 7, version: 3 }, { id: 8, version: 2 }, { id: 9 }]);
  assert.deepEqual(acceptMoves([7, 8, 9], cards), {
    head: 7,
    moves: [{ card: 8, version: 2, cluster: 7 }, { card: 9, version: 1, cluster: 7 }],
  });
});

test("a group with a card already in a cluster joins that cluster, skipping its members", () => {
  const cards = cardsOf([{ id: 1 }, { id: 2, cluster: 5 }, { id: 3, cluster: 5 }, { id: 5 }]);
  assert.deepEqual(acceptMoves([1, 2, 3], cards), { head: 5, moves: [{ card: 1, version: 1, cluster: 5 }] });
});

test("fewer than two shown cards accept nothing", () => {
  const cards = cardsOf([{ id: 1 }, { id: 2, hidden: true }]);
  assert.deepEqual(acceptMoves([1, 2], cards), { head: null, moves: [] });
  assert.deepEqual(acceptMoves([1], cards), { head: null, moves: [] });
});
