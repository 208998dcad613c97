// The wall's order of cards (static/js/board/votes.js) and the spotlight's key
// (spotlight.js): pure functions.
import assert from "node:assert/strict";
import { test } from "node:test";

import { spotlightKey } from "../../static/js/board/spotlight.js";
import { orderCards } from "../../static/js/board/votes.js";

const cards = [{ id: 3 }, { id: 1 }, { id: 2 }, { id: 4 }];
const totals = new Map([[2, 5], [3, 1], [4, 5]]);

test("before the reveal the cards keep their creation order", () => {
  assert.deepEqual(orderCards(cards, totals, false).map((c) => c.id), [1, 2, 3, 4]);
});

test("after the reveal the most voted come first, ties in creation order", () => {
  assert.deepEqual(orderCards(cards, totals, true).map((c) => c.id), [2, 4, 3, 1]);
});

test("a spotlight is known by its type and id, none by nothing", () => {
  assert.equal(spotlightKey({ type: "card", id: 12 }), "card:12");
  assert.equal(spotlightKey(null), "");
});
