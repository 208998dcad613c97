// The board's sequencer (static/js/board/sequencer.js): events applied in seq order.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Sequencer } from "../../static/js/board/sequencer.js";

const BOARD = 7;
const event = (seq, board = BOARD) => ({ board, seq, type: "card:create", data: { n: seq } });
const seqs = ({ ready }) => ready.map(({ message }) => message.seq);

test("events in order are applied at once, each once", () => {
  const sequencer = new Sequencer({ board: BOARD, seq: 3 });

  assert.deepEqual(seqs(sequencer.receive(event(4))), [4]);
  assert.deepEqual(seqs(sequencer.receive(event(5))), [5]);
  assert.equal(sequencer.last, 5);
  assert.equal(sequencer.gap, null);
});

test("a duplicate or an older event is dropped", () => {
  const sequencer = new Sequencer({ board: BOARD, seq: 3 });
  sequencer.receive(event(4));

  assert.deepEqual(sequencer.receive(event(4)), { ready: [], gap: null });
  assert.deepEqual(sequencer.receive(event(2)), { ready: [], gap: null });
  assert.equal(sequencer.last, 4);
  assert.equal(sequencer.waiting, 0);
});

test("an early event waits, and goes out after the missing one in seq order", () => {
  const sequencer = new Sequencer({ board: BOARD, seq: 3 });

  assert.deepEqual(seqs(sequencer.receive(event(6))), []);
  assert.deepEqual(seqs(sequencer.receive(event(5))), []);
  assert.equal(sequencer.waiting, 2);
  assert.equal(sequencer.last, 3);

  assert.deepEqual(seqs(sequencer.receive(event(4))), [4, 5, 6]);
  assert.equal(sequencer.last, 6);
  assert.equal(sequencer.waiting, 0);
});

test("a gap asks for a join with since = the last applied seq, until it is filled", () => {
  const sequencer = new Sequencer({ board: BOARD, seq: 10 });

  assert.deepEqual(sequencer.receive(event(13)).gap, { since: 10 });
  assert.deepEqual(sequencer.receive(event(11)), {
    ready: [{ message: event(11), live: true }], gap: { since: 11 },
  });
  assert.deepEqual(sequencer.gap, { since: 11 });
  assert.equal(sequencer.receive(event(12)).gap, null);
  assert.equal(sequencer.gap, null);
});

test("a batch of events (in any order) is applied in seq order, keeping `live`", () => {
  const sequencer = new Sequencer({ board: BOARD, seq: 0 });

  const result = sequencer.receiveAll([event(3), event(1), event(2), event(1)], false);

  assert.deepEqual(seqs(result), [1, 2, 3]);
  assert.ok(result.ready.every(({ live }) => live === false));
  assert.equal(result.gap, null);
  assert.deepEqual(sequencer.receiveAll(undefined), { ready: [], gap: null });
});

test("a batch completes what waited, and the waiting event keeps its own `live`", () => {
  const sequencer = new Sequencer({ board: BOARD, seq: 0 });
  sequencer.receive(event(3)); // live, early

  const result = sequencer.receiveAll([event(1), event(2)], false);

  assert.deepEqual(result.ready.map(({ message, live }) => [message.seq, live]), [
    [1, false], [2, false], [3, true],
  ]);
});

test("before the first snapshot nothing is applied and no gap is reported", () => {
  const sequencer = new Sequencer({ board: BOARD });

  assert.deepEqual(sequencer.receive(event(5)), { ready: [], gap: null });
  assert.equal(sequencer.last, null);
  assert.equal(sequencer.waiting, 1);
});

test("a snapshot resets the seq: what it covers is dropped, what follows is applied", () => {
  const sequencer = new Sequencer({ board: BOARD, seq: 2 });
  for (const seq of [4, 5, 6, 8]) sequencer.receive(event(seq));

  const result = sequencer.reset(5);

  assert.deepEqual(seqs(result), [6]);
  assert.equal(sequencer.last, 6);
  assert.deepEqual(result.gap, { since: 6 }); // 8 still waits for 7
  assert.equal(sequencer.waiting, 1);
  assert.deepEqual(seqs(sequencer.receive(event(5))), []); // covered by the snapshot
});

test("a snapshot may also move the seq back (the board was rebuilt)", () => {
  const sequencer = new Sequencer({ board: BOARD, seq: 9 });

  sequencer.reset(4);

  assert.equal(sequencer.last, 4);
  assert.deepEqual(seqs(sequencer.receive(event(5))), [5]);
});

test("events of another board, or without an integer seq, are ignored", () => {
  const sequencer = new Sequencer({ board: BOARD, seq: 0 });

  assert.deepEqual(sequencer.receive(event(1, BOARD + 1)), { ready: [], gap: null });
  assert.deepEqual(sequencer.receive({ board: BOARD, seq: "1" }), { ready: [], gap: null });
  assert.deepEqual(sequencer.receive(null), { ready: [], gap: null });
  assert.equal(sequencer.waiting, 0);
  assert.equal(sequencer.last, 0);
});

test("a second copy of a waiting event is dropped: the first one stays", () => {
  const sequencer = new Sequencer({ board: BOARD, seq: 1 });
  sequencer.receive(event(3)); // live
  sequencer.receiveAll([event(3)], false); // the same event again, from a join

  const result = sequencer.receive(event(2));

  assert.deepEqual(result.ready.map(({ message, live }) => [message.seq, live]), [[2, true], [3, true]]);
});
