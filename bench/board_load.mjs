// Load generator of `make bench-board`, the same for every server measured (the
// product, the bare Flask-SocketIO and Node socket.io baselines, the cluster).
//
// Started with a plan (a JSON file): the server's URL, the clients (each a board id
// and an `auth.token`, null for the bare servers) and optionally a facilitator's token
// to open the boards' ideas phase first. It connects every client and joins its board,
// 50 at a time (until `join_deadline_seconds`, if given; a client that did not join
// leaves the run), answers {"type": "joined", ...}, then runs the commands it reads
// on stdin, one JSON line each, and answers each with one JSON line on stdout:
//
// - {"cmd": "steady", "rate": R, "seconds": D, "writers": W, "drain_seconds": S}:
//   the first W clients of every board send `card:create` at R per second per board
//   in total, open loop, for D seconds. Each card's text carries its send time, so
//   every receiver measures the latency of every delivery: one per `event` frame, one
//   per element of an `events` frame. Expected deliveries = acked cards × the
//   clients on the card's board; lost = expected − delivered once every ack and
//   delivery arrived, or S seconds after the last send. Latencies are summarised
//   for the whole run and for each quarter of it (by send time); `tail_ms` (last
//   delivery after the last send) and `after_end` (deliveries more than 1 s after
//   it) show a backlog. With `"boards": [ids]`, only those boards are written to
//   (and expected to deliver). With `"flood": {"board": B, "rate": F}`, the first
//   client of board B also sends `card:create` at F per second while the phase
//   sends (its cards are not timed): `flood` in the answer counts its sends, its
//   acks by outcome (`ok`, the error code, or `cut off` once the server dropped
//   the connection, when it stops sending: `dropped`).
// - {"cmd": "storm", "behind": B}: every client disconnects; B cards are written on
//   each board meanwhile; then all reconnect at once and rejoin with `since` set to
//   the last seq they saw: the time until each has the missed events (resynced).
// - {"cmd": "quiet", "ms": Q, "max_ms": M}: wait until no frame arrived for Q ms.
// - {"cmd": "quit"}.
//
// usage: node bench/board_load.mjs PLAN.json
import { readFileSync } from "node:fs";
import { io } from "socket.io-client";
import {
  Samples,
  answer,
  nowMs,
  progress,
  serveCommands,
  sleep,
  summarise,
  usageMeter,
} from "./load_common.mjs";

const plan = JSON.parse(readFileSync(process.argv[2], "utf8"));
const CARD = /^t=(\d+(?:\.\d+)?) p=(\d+) n=(\d+) /;
const ACK_TIMEOUT_MS = 60000;
// The product allows 40 changes at once per connection: storm writers stay below.
const STORM_CARDS_PER_WRITER = 20;
// A run id in every cid: the product answers a repeated cid with its first result.
const RUN = `${process.pid}-${Date.now()}`;

// The clients that joined (all planned until joinAll), and each board's.
let clients = plan.clients.map((entry) => ({
  board: entry.board,
  token: entry.token,
  socket: null,
  lastSeq: 0,
  theme: plan.theme ?? 1,
  joined: false,
}));
const boards = new Map(); // board id -> its clients
function group() {
  boards.clear();
  for (const client of clients) {
    if (!boards.has(client.board)) boards.set(client.board, []);
    boards.get(client.board).push(client);
  }
}
group();
const phases = [];
const counters = { event: 0, events: 0, presence: 0, repeated: 0, dropped: 0 };
let lastFrameAt = 0;

function deliver(client, event) {
  if (event?.type !== "card:create") return;
  // Events come in seq order; one at or below what the client has is a repeat.
  if (event.seq <= client.lastSeq) {
    counters.repeated += 1;
    return;
  }
  client.lastSeq = event.seq;
  const match = CARD.exec(event.data?.card?.text ?? "");
  const phase = match && phases[Number(match[2])];
  if (!phase) return;
  const at = nowMs();
  phase.delivered += 1;
  phase.lastDeliveryAt = at;
  if (phase.doneAt && at > phase.doneAt + 1000) phase.afterEnd += 1;
  if (phase.quarters) {
    const quarter = Math.min(3, Math.floor((4 * Number(match[3])) / phase.total));
    phase.quarters[quarter].push(at - Number(match[1]));
  }
}

function attach(client, socket) {
  client.socket = socket;
  socket.on("event", (event) => {
    counters.event += 1;
    lastFrameAt = nowMs();
    deliver(client, event);
  });
  socket.on("events", (list) => {
    counters.events += 1;
    lastFrameAt = nowMs();
    for (const event of Array.isArray(list) ? list : []) deliver(client, event);
  });
  socket.on("presence", () => {
    counters.presence += 1;
    lastFrameAt = nowMs();
  });
  socket.on("disconnect", (reason) => {
    if (reason !== "io client disconnect") counters.dropped += 1;
  });
}

function connect(token) {
  return io(`${plan.url}/board`, {
    transports: ["websocket"],
    auth: token ? { token } : {},
    reconnection: false,
    forceNew: true,
    timeout: ACK_TIMEOUT_MS,
  });
}

const failed = (code, message = "") => ({ ok: false, error: { code, message } });

/** Connect a client and join its board; resolves with the join ack or an error. */
function open(client, since) {
  return new Promise((resolve) => {
    const socket = connect(client.token);
    attach(client, socket);
    socket.on("connect_error", (error) => resolve(failed("connect", String(error))));
    socket.on("connect", () => {
      const payload = since === undefined ? { board: client.board } : { board: client.board, since };
      socket.timeout(ACK_TIMEOUT_MS).emit("join", payload, (error, ack) => {
        if (error || !ack) return resolve(failed(error ? "timeout" : "no ack"));
        if (ack.ok) {
          client.lastSeq = ack.seq ?? 0;
          client.theme = ack.snapshot?.board?.themes?.[0]?.id ?? client.theme;
        }
        resolve(ack);
      });
    });
  });
}

async function openBoards({ token, phase }) {
  const socket = connect(token);
  await new Promise((resolve, reject) => {
    socket.on("connect", resolve);
    socket.on("connect_error", reject);
  });
  for (const board of boards.keys()) {
    await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("join", { board });
    const cid = `bench-phase-${RUN}-${board}`;
    const ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck("board:phase", { board, cid, phase });
    if (!ack.ok) throw new Error(`board ${board}: ${JSON.stringify(ack.error)}`);
  }
  socket.disconnect();
}

function count(tally, key) {
  tally[key] = (tally[key] ?? 0) + 1;
}

/** Join every client, `connect_batch` at a time; those that fail, or are not tried
 * by `join_deadline_seconds`, leave the run (counted in `failures`). */
async function joinAll() {
  const startedAt = nowMs();
  const failures = {};
  const batch = plan.connect_batch ?? 50;
  const deadline = startedAt + 1000 * (plan.join_deadline_seconds ?? Infinity);
  const planned = clients.length;
  for (let i = 0; i < clients.length && nowMs() < deadline; i += batch) {
    const some = clients.slice(i, i + batch);
    const acks = await Promise.all(some.map((client) => open(client)));
    acks.forEach((ack, k) => {
      some[k].joined = Boolean(ack.ok);
      if (!ack.ok) count(failures, ack.error?.code ?? "?");
    });
    if (i % 500 === 0 && i) progress(`${i} joined`);
  }
  const late = clients.filter((client) => !client.socket).length;
  if (late) failures.deadline = late;
  for (const client of clients) if (!client.joined) client.socket?.disconnect();
  clients = clients.filter((client) => client.joined);
  group();
  return {
    type: "joined",
    planned,
    clients: clients.length,
    boards: boards.size,
    connect_seconds: (nowMs() - startedAt) / 1000,
    failures,
  };
}

function send(phase, ids, writers) {
  const n = phase.sent;
  const board = ids[n % ids.length];
  const ofBoard = writers[n % ids.length];
  const client = ofBoard[Math.floor(n / ids.length) % ofBoard.length];
  const sentAt = nowMs();
  phase.sent += 1;
  const payload = {
    board,
    cid: `bench-${RUN}-${phase.index}-${n}`,
    theme: client.theme,
    text: `t=${sentAt} p=${phase.index} n=${n} bench card`,
  };
  client.socket.timeout(ACK_TIMEOUT_MS).emit("card:create", payload, (error, ack) => {
    if (!error && ack?.ok) {
      phase.acked += 1;
      phase.expected += boards.get(board).length;
      phase.acks?.push(nowMs() - sentAt); // an ack after the phase's end is not timed
      return;
    }
    count(phase.errors, error ? "timeout" : (ack?.error?.code ?? "no ack"));
  });
}

const answered = (phase) =>
  phase.acked + Object.values(phase.errors).reduce((a, b) => a + b, 0);

/** One connection sending `card:create` on `board` at `rate` a second until
 * `stopped()`; the tally of its sends and acks (filled in as they come). */
function flood({ board, rate }, stopped) {
  const client = boards.get(board)[0];
  const tally = { board, rate, sent: 0, acks: {}, dropped: false };
  const startedAt = nowMs();
  const sending = (async () => {
    while (!stopped() && client.socket.connected) {
      const due = Math.floor(((nowMs() - startedAt) * rate) / 1000) + 1;
      while (tally.sent < due) {
        const payload = {
          board,
          cid: `flood-${RUN}-${startedAt}-${tally.sent}`,
          theme: client.theme,
          text: `flood ${tally.sent}`,
        };
        tally.sent += 1;
        client.socket.timeout(ACK_TIMEOUT_MS).emit("card:create", payload, (error, ack) => {
          const failed = client.socket.connected ? "timeout" : "cut off";
          count(tally.acks, error ? failed : ack?.ok ? "ok" : (ack?.error?.code ?? "no ack"));
        });
      }
      await sleep(1);
    }
    tally.send_seconds = (nowMs() - startedAt) / 1000;
    tally.dropped = !client.socket.connected;
  })();
  const answeredAll = () =>
    !client.socket.connected || Object.values(tally.acks).reduce((a, b) => a + b, 0) >= tally.sent;
  return { tally, sending, answeredAll };
}

async function steady({
  name,
  rate,
  seconds,
  writers,
  drain_seconds: drainSeconds,
  boards: only,
  flood: flooding,
}) {
  const ids = only ?? [...boards.keys()];
  const chosen = ids.map((id) => boards.get(id).slice(0, Math.max(1, writers)));
  const phase = {
    index: phases.length,
    total: Math.max(1, Math.round(rate * seconds * ids.length)),
    sent: 0,
    acked: 0,
    errors: {},
    expected: 0,
    delivered: 0,
    afterEnd: 0,
    doneAt: 0,
    lastDeliveryAt: 0,
    quarters: [new Samples(), new Samples(), new Samples(), new Samples()],
    acks: new Samples(),
  };
  phases.push(phase);
  const before = { ...counters };
  const usage = usageMeter();
  const perSecond = rate * ids.length;
  const startedAt = nowMs();
  const flooder = flooding ? flood(flooding, () => phase.doneAt > 0) : null;
  while (phase.sent < phase.total) {
    const due = Math.min(phase.total, Math.floor(((nowMs() - startedAt) * perSecond) / 1000) + 1);
    while (phase.sent < due) send(phase, ids, chosen);
    await sleep(1);
  }
  phase.doneAt = nowMs();
  await flooder?.sending;
  const deadline = phase.doneAt + 1000 * drainSeconds;
  while (
    (answered(phase) < phase.sent ||
      phase.delivered < phase.expected ||
      (flooder && !flooder.answeredAll())) &&
    nowMs() < deadline
  ) {
    await sleep(20);
  }
  const result = {
    type: "phase",
    name,
    rate,
    seconds,
    boards: ids.length,
    clients: clients.length,
    writers: chosen[0].length,
    sent: phase.sent,
    send_seconds: (phase.doneAt - startedAt) / 1000,
    acked: phase.acked,
    errors: phase.errors,
    unanswered: phase.sent - answered(phase),
    expected: phase.expected,
    delivered: phase.delivered,
    lost: Math.max(0, phase.expected - phase.delivered),
    latency: summarise(Samples.sorted(...phase.quarters)),
    quarters: phase.quarters.map((quarter) => summarise(Samples.sorted(quarter))),
    ack: summarise(Samples.sorted(phase.acks)),
    tail_ms: phase.lastDeliveryAt ? Math.round(phase.lastDeliveryAt - phase.doneAt) : null,
    after_end: phase.afterEnd,
    frames: { event: counters.event - before.event, events: counters.events - before.events },
    repeated: counters.repeated - before.repeated,
    dropped: counters.dropped - before.dropped,
    ...(flooder ? { flood: { ...flooder.tally, acks: { ...flooder.tally.acks } } } : {}),
    ...usage(),
  };
  phase.quarters = null; // late deliveries still count, their latencies no more
  phase.acks = null;
  return result;
}

function resynced(ack, since) {
  if (!ack.ok) return false;
  if (ack.mode === "snapshot") return true;
  const events = ack.events ?? [];
  return events.length ? events[events.length - 1].seq === ack.seq : since === ack.seq;
}

/** `behind` cards on every board from fresh connections (20 each), while the clients
 * are away; resolves with the number acknowledged. */
async function writeMissed(behind) {
  const perBoard = Math.ceil(behind / STORM_CARDS_PER_WRITER);
  const writers = [...boards.values()].flatMap((members) =>
    members.slice(0, perBoard).map((member) => ({ ...member, socket: null, lastSeq: 0 })),
  );
  await Promise.all(writers.map((writer) => open(writer)));
  const acks = [];
  for (const board of boards.keys()) {
    const mine = writers.filter((writer) => writer.board === board);
    for (let n = 0; n < behind; n += 1) {
      const writer = mine[Math.floor(n / STORM_CARDS_PER_WRITER) % mine.length];
      const cid = `bench-storm-${RUN}-${n}`;
      const payload = { board, cid, theme: writer.theme, text: `missed card ${n}` };
      acks.push(writer.socket.timeout(ACK_TIMEOUT_MS).emitWithAck("card:create", payload));
    }
  }
  const settled = await Promise.allSettled(acks);
  for (const writer of writers) writer.socket.disconnect();
  return settled.filter((outcome) => outcome.status === "fulfilled" && outcome.value?.ok)
    .length;
}

async function storm({ behind }) {
  for (const client of clients) client.socket.disconnect();
  await sleep(500);
  const written = await writeMissed(behind);
  const usage = usageMeter();
  const startedAt = nowMs();
  const outcomes = await Promise.all(
    clients.map(async (client) => {
      const since = client.lastSeq;
      const ack = await open(client, since);
      return { ok: resynced(ack, since), ms: nowMs() - startedAt, ack, since };
    }),
  );
  const done = outcomes.filter((outcome) => outcome.ok);
  const failures = {};
  const modes = {};
  for (const outcome of outcomes) {
    if (!outcome.ok) count(failures, outcome.ack.error?.code ?? "incomplete");
    else count(modes, outcome.ack.mode ?? "none");
  }
  const replayed = done.map((outcome) => (outcome.ack.events ?? []).length).sort((a, b) => a - b);
  return {
    type: "storm",
    clients: clients.length,
    behind,
    written,
    resynced: done.length,
    failures,
    modes,
    replayed_min: replayed.length ? replayed[0] : null,
    replayed_max: replayed.length ? replayed[replayed.length - 1] : null,
    all_resynced_seconds: done.length ? Math.max(...done.map((o) => o.ms)) / 1000 : null,
    resync: summarise(Float64Array.from(done.map((o) => o.ms)).sort()),
    ...usage(),
  };
}

async function quiet({ ms, max_ms: maxMs }) {
  const startedAt = nowMs();
  while (nowMs() - Math.max(lastFrameAt, startedAt) < ms && nowMs() - startedAt < maxMs) {
    await sleep(50);
  }
  return { type: "quiet", waited_ms: Math.round(nowMs() - startedAt) };
}

if (plan.facilitator) await openBoards(plan.facilitator);
answer(await joinAll());
await serveCommands({ steady, storm, quiet }, async () => {
  for (const client of clients) client.socket?.disconnect();
});
