/* GreenPact live board: the page's main module, speaking PROTOCOL.md over the
 * socket.io client. It reads what the server rendered into the page (the board's data
 * attributes, and the `board-strings`, `board-rules` and `board-comments` JSON), opens
 * the socket and wires the pure sequencer and outbox to it and to the view.
 *
 * Incoming: joining.js keeps the page joined (with `since` after a gap or a
 * reconnection) and hands it the events in `seq` order. Outgoing: every change waits
 * in the outbox (memory and localStorage) until the server acknowledges it; after a
 * reconnection the waiting changes are sent again with the same cids. When the server
 * refuses the connection, or cannot be reached for a while, the status line says so
 * (connection.js) and a button tries again. */

import { io } from "../../vendor/socket.io.esm.min.js";
import { PROBE_AFTER_MS, UNREACHABLE_AFTER, connectRefusal, originRefused, sessionEndedText } from "./connection.js";
import { ACK_TIMEOUT_MS, RETRY_MS, stayJoined } from "./joining.js";
import { Outbox, RETRY, SETTLED, validEntries } from "./outbox.js";
import { createView } from "./render.js";
import { permits, readRules, standingOf, takesSignature } from "./rules.js";
import { Sequencer } from "./sequencer.js";
import { createSpotlight } from "./spotlight.js";
import { startBreakout } from "./breakout.js";
import { startSuggestions } from "./suggestions.js";
import { startAgenda } from "./agenda.js";
import { rememberPanels } from "./panels.js";
import { fmt } from "./text.js";
import { createVotes } from "./votes.js";

const $ = (id) => document.getElementById(id);
const json = (id) => JSON.parse($(id).textContent);

const root = $("board");
const T = json("board-strings");
const RULES = readRules(json("board-rules"));
const BOARD = Number(root.dataset.board);
const ME = Number(root.dataset.person);
const FACILITATOR = root.dataset.role === "facilitator";
// An official of the pact signs commitments for the public authority.
const OFFICIAL = root.dataset.official === "true";
const ORGANISATION = Number(root.dataset.organisation) || null;
const OUTBOX_KEY = `greenpact:board:${BOARD}:person:${ME}:outbox`;

function newCid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  // Plain-HTTP pages (not a secure context) have no randomUUID: a v4 UUID by hand.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function initialBoard() {
  const themes = [...root.querySelectorAll(".board-column")].map((column) => ({
    id: Number(column.dataset.theme),
    name: column.querySelector("h2").textContent,
  }));
  return {
    id: BOARD,
    phase: root.dataset.phase,
    locked: root.dataset.locked === "true",
    timer_ends_at: $("board-timer").dataset.ends || null,
    vote_budget: Number(root.dataset.voteBudget),
    themes,
  };
}

// --- state ---------------------------------------------------------------------------

const state = {
  board: initialBoard(),
  joined: false,
  removed: false,
  removedReason: "",
  ended: "", // why the server ended this person's access (`session_ended`): final
  refused: false,
  refusal: "", // what the server's refusal means, when it said more than no
  failures: 0, // failed connection attempts in a row
  hydrated: false,
  cards: new Map(),
  commitments: new Map(),
  comments: new Map(), // card id -> [comment]
  commentIds: new Set(),
  totals: new Map(),
  mine: new Map(),
  votesLeft: Number($("votes-left")?.textContent) || 0,
  presence: [],
  clockOffset: 0, // the server's clock minus ours, for the timer
};
const sequencer = new Sequencer({ board: BOARD });
const outbox = new Outbox({ newCid, entries: loadOutbox(), save: saveOutbox });
let probeTimer = null;
// Panels that say themselves what the server answered to their changes: event -> listener.
const ackListeners = new Map();

function loadOutbox() {
  try {
    return validEntries(JSON.parse(localStorage.getItem(OUTBOX_KEY) || "[]"));
  } catch {
    return [];
  }
}

function saveOutbox(entries) {
  try {
    if (entries.length) localStorage.setItem(OUTBOX_KEY, JSON.stringify(entries));
    else localStorage.removeItem(OUTBOX_KEY);
  } catch {
    // Storage full or forbidden: the outbox still lives in memory.
  }
}

function allowed(event, owns = true) {
  if (state.removed || state.refused || state.ended) return false;
  return permits(RULES, FACILITATOR, state.board, event, owns);
}

/** May this page's person sign the commitment now (the phase, its status and their
 * standing towards it)? */
function maySign(commitment) {
  const viewer = { official: OFFICIAL, staff: FACILITATOR, organisation: ORGANISATION };
  const standing = standingOf(viewer, commitment);
  return allowed("commitment:sign") && takesSignature(RULES, standing, commitment.status);
}

const votes = createVotes({
  state,
  strings: T,
  facilitator: FACILITATOR,
  send,
  allowed,
  setVotesLeft: (left) => view.setVotesLeft(left),
  refresh: () => view.refreshAll(),
  announce: (text) => view.showAlert(text),
});

const view = createView({
  order: votes.order,
  root,
  strings: T,
  me: ME,
  facilitator: FACILITATOR,
  official: OFFICIAL,
  organisation: ORGANISATION,
  state,
  outbox,
  allowed,
  maySign,
  send,
});

const spotlight = createSpotlight({
  state,
  strings: T,
  facilitator: FACILITATOR,
  send,
  votesShown: votes.shown,
});

/** Why this page no longer takes part: the facilitator's reason, when one was given. */
function removedText() {
  return state.removedReason ? `${T.removed} ${state.removedReason}` : T.removed;
}

function updateStatus() {
  const online = socket.connected && state.joined;
  const unreachable = !online && state.failures >= UNREACHABLE_AFTER;
  let text;
  if (state.ended) text = state.ended;
  else if (state.removed) text = removedText();
  else if (state.refused) text = state.refusal || T.refused;
  else if (online) text = T.connected;
  else if (!navigator.onLine) text = T.offline;
  else if (unreachable) text = T.unreachable;
  else if (socket.connected || sequencer.last === null) text = T.connecting;
  else text = T.reconnecting;
  if (!online && outbox.size) text += ` · ${fmt(T.waiting, { num: outbox.size })}`;
  const node = $("board-status");
  if (node.textContent !== text) node.textContent = text;
  root.dataset.connection = online ? "online" : "offline";
  $("board-retry").hidden = state.removed || Boolean(state.ended) || !(state.refused || unreachable);
  $("board-rejoin").hidden = !state.ended;
}

// --- outgoing: the outbox on the socket ----------------------------------------------

function send(event, payload) {
  const entry = outbox.add(event, { ...payload, board: BOARD });
  flush();
  updateStatus();
  view.scheduleLayout();
  return entry;
}

function flush() {
  if (!socket.connected || !state.joined) return;
  for (const entry of outbox.due()) transmit(entry);
}

function transmit(entry) {
  const sentOn = link.connection;
  socket.timeout(ACK_TIMEOUT_MS).emit(entry.event, { ...entry.payload, cid: entry.cid }, (error, ack) => {
    if (sentOn !== link.connection) return; // resent on the new connection, same cid
    if (error || !ack || typeof ack !== "object") {
      outbox.unanswered(entry.cid);
      setTimeout(flush, RETRY_MS);
      return;
    }
    settle(entry, ack);
  });
}

function settle(entry, ack) {
  const outcome = outbox.acknowledge(entry.cid, ack);
  if (outcome === RETRY) setTimeout(flush, RETRY_MS); // nothing was applied: again, later
  if (outcome !== SETTLED) return;
  if (typeof ack.votes_left === "number") view.setVotesLeft(ack.votes_left);
  if (ack.ok && typeof ack.mine === "number") votes.own({ card: ack.card, mine: ack.mine });
  const listener = ackListeners.get(entry.event);
  listener?.(ack);
  if (ack.ok) view.acknowledged(entry, ack);
  else if (!listener) view.showRefusal(entry, ack.error || {});
  updateStatus();
  view.refreshCard(entry.payload.card);
  view.scheduleLayout();
}

// --- incoming: the socket through the sequencer ----------------------------------------

const socket = io(root.dataset.namespace, {
  path: root.dataset.socketPath,
  transports: ["websocket", "polling"],
  tryAllTransports: true,
  // The board this connection is for: one too many of the person's is refused at once.
  auth: { board: BOARD },
  // What the server writes for this connection (theme names) is in the page's language.
  query: { lang: document.documentElement.lang },
});

const link = stayJoined({
  socket,
  board: BOARD,
  sequencer,
  loadSnapshot(snapshot, presenceSeen) {
    view.loadSnapshot(snapshot);
    votes.load(snapshot.votes);
    if (!presenceSeen) showPresence(snapshot.presence || []);
  },
  apply(ready) {
    for (const { message, live } of ready) {
      if (live && message.at) state.clockOffset = Date.parse(message.at) - Date.now();
      view.apply(message, live);
      votes.apply(message, live);
      spotlight.apply();
    }
  },
  joined,
  refused(ack) {
    state.refused = true;
    view.showAlert(T.errors[ack.error?.code] || T.refused);
  },
});

socket.on("connect", () => {
  clearTimeout(probeTimer);
  state.failures = 0;
});
socket.on("disconnect", (reason) => {
  state.joined = false;
  outbox.connectionLost();
  // The server closes a connection itself only for someone it no longer accepts.
  if (reason === "io server disconnect" && !state.removed && !state.ended) state.refused = true;
  updateStatus();
  view.refreshAll();
});
socket.on("connect_error", (error) => {
  // A refusal by the server is final: the page stops and says why. Other failures
  // are retried by the client; the first of a run asks whether the origin is refused.
  const refusal = connectRefusal(error, socket.active, T);
  if (refusal) {
    refuse(refusal);
    return;
  }
  state.failures += 1;
  if (state.failures === 1) probeOrigin();
  updateStatus();
});
socket.on("votes", (message) => {
  if (message?.board === BOARD) votes.own(message);
});
socket.on("presence", (message) => {
  if (message?.board !== BOARD) return;
  showPresence(message.people || []);
});
socket.on("removed", (message) => {
  if (message?.board !== BOARD) return;
  state.removed = true;
  state.removedReason = String(message.reason || "").trim();
  view.showAlert(removedText());
  socket.disconnect();
  updateStatus();
  view.refreshAll();
});

// The person's access ended (logged out, ...): the page says so and stops for good.
socket.on("session_ended", (message) => {
  state.ended = sessionEndedText(message, T);
  view.showAlert(state.ended);
  socket.disconnect();
  updateStatus();
  view.refreshAll();
});

/** Who is on the board: the list of people here, and the breakout panel's by hand. */
function showPresence(people) {
  view.renderPresence(people);
  breakout?.showPeople(people);
}

function refuse(text) {
  clearTimeout(probeTimer);
  state.refused = true;
  state.refusal = text;
  socket.disconnect(); // or the client would try again for ever
  updateStatus();
}

async function probeOrigin() {
  clearTimeout(probeTimer);
  if (socket.connected || state.refused) return;
  const refused = await originRefused(fetch, root.dataset.socketPath);
  if (refused && !socket.connected && !state.refused) {
    refuse(fmt(T.refusedOrigin, { origin: window.location.origin }));
  }
}

/** Ask about the origin if this attempt has not connected in a few seconds. */
function watchConnecting() {
  clearTimeout(probeTimer);
  probeTimer = setTimeout(probeOrigin, PROBE_AFTER_MS);
}

/** Try again at once, whatever stopped the page: a refusal or a wait between attempts. */
function retry() {
  state.refused = false;
  state.refusal = "";
  state.failures = 0;
  socket.disconnect();
  socket.connect();
  watchConnecting();
  updateStatus();
}

window.addEventListener("offline", () => {
  socket.disconnect();
  updateStatus();
});
window.addEventListener("online", () => {
  if (!state.removed && !state.refused && !state.ended) {
    socket.connect();
    watchConnecting();
  }
  updateStatus();
});

/** The join's answer is applied: the page takes part again. */
function joined(ack) {
  if (ack.mode !== "snapshot") votes.load(ack.votes);
  votes.refresh();
  spotlight.apply();
  state.joined = true;
  flush();
  updateStatus();
  view.refreshAll();
}

// --- what the person does ---------------------------------------------------------------

const SUBMITS = {
  "card:create"(form) {
    const text = form.elements.namedItem("text").value.trim();
    if (!text) return;
    send("card:create", {
      theme: Number(form.elements.namedItem("theme").value),
      text,
      kind: form.elements.namedItem("kind").value,
    });
    form.elements.namedItem("text").value = "";
  },
  "comment:add"(form) {
    const input = form.elements.namedItem("text");
    const text = input.value.trim();
    if (!text) return;
    send("comment:add", { card: Number(form.dataset.card), text });
    input.value = "";
  },
  "vote:cast"(form) {
    send("vote:cast", { card: Number(form.elements.namedItem("card").value) });
  },
  "commitment:create"() {
    view.submitCommitmentForm();
  },
  "commitment:sign"(form) {
    send("commitment:sign", { commitment: Number(form.elements.namedItem("commitment").value) });
  },
  "board:phase"(form) {
    send("board:phase", { phase: form.elements.namedItem("phase").value });
  },
  "board:lock"() {
    send("board:lock", { locked: !state.board.locked });
  },
  "board:timer"(form, submitter) {
    const minutes = Number(form.elements.namedItem("minutes").value);
    const stop = submitter?.value === "stop";
    if (!stop && !(minutes > 0)) return;
    send("board:timer", { seconds: stop ? null : Math.round(minutes * 60) });
  },
};

const ACTIONS = {
  edit: (id) => view.startEdit(id),
  save: (id) => view.saveCard(id),
  cancel: (id) => view.cancelEdit(id),
  reload: (id) => view.reloadEdit(id),
  "keep-mine": (id) => view.keepMine(id),
  delete: (id, control) => view.deleteCard(id, control),
  move: (id, control) => view.moveCard(id, control),
  vote: (id) => send("vote:cast", { card: id }),
  retract: (id) => send("vote:retract", { card: id }),
  hide(id) {
    const card = state.cards.get(id);
    if (card) send("card:hide", { card: id, hidden: !card.hidden });
  },
  pick: (id) => view.togglePick(id),
  "cluster-here": (id) => view.clusterHere(id),
  "merge-here": (id) => view.mergeHere(id),
  uncluster(id) {
    const card = state.cards.get(id);
    if (card) send("card:move", { card: id, version: card.version, cluster: null });
  },
  "edit-commitment": (id) => view.editCommitment(id),
  "draft-from": (id) => view.draftFrom(id),
  sign: (id) => send("commitment:sign", { commitment: id }),
  "commitment-reload": () => view.reloadCommitment(),
  "commitment-keep-mine": () => view.keepMyCommitment(),
  "remove-person": (id, control) => view.removePerson(control),
};

root.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-event]");
  const handler = form && SUBMITS[form.dataset.event];
  if (!handler) return;
  event.preventDefault();
  handler(form, event.submitter);
});

root.addEventListener("click", (event) => {
  const control = event.target.closest("button[data-action]");
  const action = control && ACTIONS[control.dataset.action];
  if (!action) return;
  event.preventDefault();
  action(Number(control.dataset.card || control.dataset.commitment || 0), control);
});

root.addEventListener("keydown", (event) => {
  // Ctrl+Enter (or ⌘+Enter) in a text box sends, as in chat tools.
  if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
  const form = event.target.closest("form[data-event]");
  if (form) {
    event.preventDefault();
    form.requestSubmit();
    return;
  }
  const editor = event.target.closest(".card__editor");
  if (editor) {
    event.preventDefault();
    view.saveCard(Number(editor.closest("[data-card]").dataset.card));
  }
});

$("commitment-cancel").addEventListener("click", view.resetCommitmentForm);
$("board-retry").addEventListener("click", retry);

// --- start ---------------------------------------------------------------------------

for (const comment of json("board-comments")) view.addComment(comment);
setInterval(view.renderTimer, 1000);
startSuggestions({
  root, socket, board: BOARD, state, rules: json("board-rules"), strings: T.suggestions,
  errors: T.errors, send, say: view.announce,
});
startAgenda({ root, board: BOARD, facilitator: FACILITATOR, send, strings: T.agenda, say: view.announce });
const breakout = startBreakout({
  socket, board: BOARD, me: ME, facilitator: FACILITATOR, strings: T.breakout, errors: T.errors, send,
  say: view.announce, onAck: (event, listener) => ackListeners.set(event, listener),
});
rememberPanels(root, BOARD);
view.renderTimer();
watchConnecting();
updateStatus();
