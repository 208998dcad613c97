// Staying joined to a board (static/js/board/joining.js), shared by the board page and
// the projector screen: a fake socket.io socket and a fake clock drive it.
import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";

import { ACK_TIMEOUT_MS, GAP_WAIT_MS, RETRY_MS, stayJoined } from "../../static/js/board/joining.js";
import { Sequencer } from "../../static/js/board/sequencer.js";

const BOARD = 7;

/** setTimeout and clearTimeout on a clock that moves only when the test says so. */
function fakeClock() {
  let now = 0;
  let next = 1;
  const timers = new Map();
  return {
    setTimeout(fn, ms) {
      const id = next++;
      timers.set(id, { at: now + ms, fn });
      return id;
    },
    clearTimeout(id) {
      timers.delete(id);
    },
    tick(ms) {
      now += ms;
      for (const [id, timer] of [...timers].sort((a, b) => a[1].at - b[1].at)) {
        if (timer.at > now || !timers.has(id)) continue;
        timers.delete(id);
        timer.fn();
      }
    },
  };
}

/** The part of a socket.io client socket the module uses; `sent` keeps what it emitted. */
function fakeSocket() {
  const listeners = new Map();
  const socket = {
    connected: false,
    sent: [],
    on(name, fn) {
      listeners.set(name, [...(listeners.get(name) || []), fn]);
    },
    fire(name, ...args) {
      for (const fn of listeners.get(name) || []) fn(...args);
    },
    connect() {
      socket.connected = true;
      socket.fire("connect");
    },
    drop() {
      socket.connected = false;
      socket.fire("disconnect", "transport close");
    },
    disconnect() {
      socket.connected = false;
      socket.fire("disconnect", "io client disconnect");
    },
    timeout(ms) {
      return {
        emit(name, payload, answer) {
          socket.sent.push({ name, payload, answer, ms });
        },
      };
    },
    /** The last `join` sent, answered with `ack` (or an error). */
    answerJoin(ack, error = null) {
      const join = socket.joins().at(-1);
      join.answer(error, ack);
    },
    joins() {
      return socket.sent.filter(({ name }) => name === "join");
    },
  };
  return socket;
}

const event = (seq) => ({ board: BOARD, seq, type: "card:create", data: { card: { id: seq } } });
const snapshot = (seq) => ({ ok: true, seq, role: "participant", mode: "snapshot", snapshot: { board: { id: BOARD }, presence: [] } });
const events = (seq, list) => ({ ok: true, seq, role: "participant", mode: "events", events: list });

let clock;
let saved;

beforeEach(() => {
  clock = fakeClock();
  saved = { setTimeout: globalThis.setTimeout, clearTimeout: globalThis.clearTimeout };
  globalThis.setTimeout = clock.setTimeout;
  globalThis.clearTimeout = clock.clearTimeout;
});

afterEach(() => {
  globalThis.setTimeout = saved.setTimeout;
  globalThis.clearTimeout = saved.clearTimeout;
});

/** A page on the module: what it was handed, in order. */
function page() {
  const socket = fakeSocket();
  const seen = [];
  const link = stayJoined({
    socket,
    board: BOARD,
    sequencer: new Sequencer({ board: BOARD }),
    loadSnapshot: (data, presenceSeen) => seen.push({ snapshot: data, presenceSeen }),
    apply: (ready) => seen.push(...ready.map(({ message, live }) => ({ seq: message.seq, live }))),
    joined: (ack) => seen.push({ joined: ack.mode }),
    refused: (ack) => seen.push({ refused: ack.error.code }),
  });
  return { socket, seen, link };
}

test("a connection joins without since, and the snapshot comes before the events that waited for it", () => {
  const { socket, seen } = page();
  socket.connect();
  assert.deepEqual(socket.joins().map(({ payload, ms }) => [payload, ms]), [[{ board: BOARD }, ACK_TIMEOUT_MS]]);

  socket.fire("event", event(6)); // live, before the answer: it waits for the snapshot
  socket.fire("event", event(4)); // older than the snapshot: dropped
  socket.answerJoin(snapshot(5));

  assert.deepEqual(seen, [
    { snapshot: snapshot(5).snapshot, presenceSeen: false },
    { seq: 6, live: true },
    { joined: "snapshot" },
  ]);
});

test("a presence that arrives after the join was sent is newer than the snapshot's", () => {
  const { socket, seen } = page();
  socket.connect();
  socket.fire("presence", { board: BOARD + 1, people: [] }); // another board's: not this one
  socket.fire("presence", { board: BOARD, people: [{ id: 1 }] });
  socket.answerJoin(snapshot(5));
  assert.equal(seen[0].presenceSeen, true);
});

test("a gap in seq that lasts rejoins with since the last applied event and applies the missed ones in order", () => {
  const { socket, seen } = page();
  socket.connect();
  socket.answerJoin(snapshot(5));
  seen.length = 0;

  socket.fire("event", event(7));
  assert.deepEqual(seen, []); // 6 is missing: 7 waits
  clock.tick(GAP_WAIT_MS - 1);
  assert.equal(socket.joins().length, 1);
  clock.tick(1);
  assert.deepEqual(socket.joins().at(-1).payload, { board: BOARD, since: 5 });

  socket.answerJoin(events(7, [event(6), event(7)]));
  assert.deepEqual(seen, [{ seq: 6, live: false }, { seq: 7, live: true }, { joined: "events" }]);
});

test("a gap filled by the missing event within the wait does not rejoin", () => {
  const { socket, seen } = page();
  socket.connect();
  socket.answerJoin(snapshot(5));
  seen.length = 0;

  socket.fire("event", event(7));
  socket.fire("events", [event(6)]);
  clock.tick(GAP_WAIT_MS * 3);

  assert.equal(socket.joins().length, 1);
  assert.deepEqual(seen, [{ seq: 6, live: true }, { seq: 7, live: true }]);
});

test("a reconnection rejoins with since the last applied event", () => {
  const { socket, seen, link } = page();
  socket.connect();
  socket.answerJoin(snapshot(5));
  socket.fire("event", event(6));
  assert.equal(link.connection, 0);

  socket.drop();
  assert.equal(link.connection, 1);
  socket.connect();
  assert.deepEqual(socket.joins().map(({ payload }) => payload), [{ board: BOARD }, { board: BOARD, since: 6 }]);

  seen.length = 0;
  socket.answerJoin(events(7, [event(7)]));
  assert.deepEqual(seen, [{ seq: 7, live: false }, { joined: "events" }]);
});

test("the answer to a join sent on a connection since lost is ignored", () => {
  const { socket, seen } = page();
  socket.connect();
  socket.drop();
  socket.connect();
  const [stale, current] = socket.joins();

  stale.answer(null, snapshot(9));
  assert.deepEqual(seen, []);
  current.answer(null, snapshot(5));
  assert.deepEqual(seen.at(-1), { joined: "snapshot" });
});

test("a join left unanswered is sent again while the socket stays connected", () => {
  const { socket } = page();
  socket.connect();
  socket.answerJoin(undefined, new Error("operation has timed out"));
  clock.tick(RETRY_MS - 1);
  assert.equal(socket.joins().length, 1);
  clock.tick(1);
  assert.deepEqual(socket.joins().map(({ payload }) => payload), [{ board: BOARD }, { board: BOARD }]);
});

test("a refused join tells the page and closes the socket", () => {
  const { socket, seen } = page();
  socket.connect();
  socket.answerJoin({ ok: false, error: { code: "forbidden" } });
  assert.deepEqual(seen, [{ refused: "forbidden" }]);
  assert.equal(socket.connected, false);
});
