// The board's outbox (static/js/board/outbox.js): unsent changes, each sent once.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Outbox, RETRY, SETTLED, UNKNOWN, validEntries } from "../../static/js/board/outbox.js";

function counter() {
  let n = 0;
  return () => `cid-${(n += 1)}`;
}

function outboxWith(...events) {
  const saved = [];
  const outbox = new Outbox({ newCid: counter(), save: (entries) => saved.push(entries) });
  for (const event of events) outbox.add(event, { board: 1, text: event });
  return { outbox, saved };
}

const cids = (entries) => entries.map((entry) => entry.cid);
const OK = { ok: true, seq: 9 };

test("a change gets a fresh cid, waits, and is saved", () => {
  const { outbox, saved } = outboxWith("card:create");

  assert.deepEqual(outbox.entries, [
    { cid: "cid-1", event: "card:create", payload: { board: 1, text: "card:create" } },
  ]);
  assert.equal(outbox.size, 1);
  assert.deepEqual(saved.at(-1), outbox.entries);
});

test("each change is due once per connection, in the order made", () => {
  const { outbox } = outboxWith("card:create", "card:update");

  assert.deepEqual(cids(outbox.due()), ["cid-1", "cid-2"]);
  assert.deepEqual(outbox.due(), []);
  outbox.add("vote:cast", { card: 3 });
  assert.deepEqual(cids(outbox.due()), ["cid-3"]); // only the new one
  assert.deepEqual(outbox.due(), []);
});

test("after a lost connection every waiting change is due again, once, in order, same cid", () => {
  const { outbox } = outboxWith("card:create", "card:update", "vote:cast");
  outbox.due();
  outbox.acknowledge("cid-2", OK);

  outbox.connectionLost();

  assert.deepEqual(cids(outbox.due()), ["cid-1", "cid-3"]);
  assert.deepEqual(outbox.due(), []);
});

test("an ok ack removes the change, and it is never due again", () => {
  const { outbox, saved } = outboxWith("card:create", "card:update");
  outbox.due();

  assert.equal(outbox.acknowledge("cid-1", OK), SETTLED);

  assert.deepEqual(cids(outbox.entries), ["cid-2"]);
  assert.deepEqual(cids(saved.at(-1)), ["cid-2"]);
  outbox.connectionLost();
  assert.deepEqual(cids(outbox.due()), ["cid-2"]);
});

test("an error ack removes the change too (nothing to send again)", () => {
  const { outbox, saved } = outboxWith("card:update");
  outbox.due();

  const ack = { ok: false, error: { code: "conflict", message: "changed" } };
  assert.equal(outbox.acknowledge("cid-1", ack), SETTLED);

  assert.equal(outbox.size, 0);
  assert.deepEqual(saved.at(-1), []);
  outbox.connectionLost();
  assert.deepEqual(outbox.due(), []);
});

test("a rate_limited refusal keeps the change and makes it due again", () => {
  const { outbox } = outboxWith("card:create");
  outbox.due();

  const ack = { ok: false, error: { code: "rate_limited", message: "slow down" } };
  assert.equal(outbox.acknowledge("cid-1", ack), RETRY);

  assert.deepEqual(cids(outbox.due()), ["cid-1"]);
  assert.deepEqual(outbox.due(), []);
});

test("an unanswered change is due again; an ack for an unknown cid changes nothing", () => {
  const { outbox } = outboxWith("card:create", "card:update");
  outbox.due();

  outbox.unanswered("cid-2");

  assert.deepEqual(cids(outbox.due()), ["cid-2"]);
  assert.equal(outbox.acknowledge("cid-9", OK), UNKNOWN);
  assert.equal(outbox.acknowledge("cid-1", OK), SETTLED);
  assert.equal(outbox.acknowledge("cid-1", OK), UNKNOWN);
  assert.deepEqual(cids(outbox.entries), ["cid-2"]);
});

test("a saved outbox comes back with its cids; malformed entries are dropped", () => {
  const saved = [
    { cid: "a", event: "card:create", payload: { text: "x" } },
    { cid: 3, event: "card:create", payload: {} },
    { cid: "b", event: "card:update" },
    null,
    { cid: "c", event: "vote:cast", payload: { card: 1 } },
  ];
  const outbox = new Outbox({ newCid: counter(), entries: saved });

  assert.deepEqual(cids(outbox.due()), ["a", "c"]);
  assert.deepEqual(validEntries("not a list"), []);
});

test("the waiting list handed out is a copy", () => {
  const { outbox } = outboxWith("card:create");

  outbox.entries.pop();

  assert.equal(outbox.size, 1);
});
