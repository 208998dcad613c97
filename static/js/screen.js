/* The projector screen: the board as the room sees it on the wall, with no controls.
 * It joins the board over the socket as the staff member who opened it (PROTOCOL.md:
 * `join`, with `since` after a reconnection or a gap) and never sends a change. Events
 * are applied in `seq` order by the board's own sequencer; the page draws the wall
 * (no hidden card, no author), the countdown, the spotlight, the vote results once
 * revealed and the signatures of the sign phase. User text only goes in as text. */

import { io } from "../vendor/socket.io.esm.min.js";
import { connectRefusal } from "./board/connection.js";
import { el } from "./board/dom.js";
import { Sequencer } from "./board/sequencer.js";
import { spotlightKey } from "./board/spotlight.js";
import { fmt } from "./board/text.js";
import { applyEvent, emptyState, loadSnapshot, revealed, shown, voteResults, wallColumns } from "./screen_state.js";

const $ = (id) => document.getElementById(id);
const root = $("screen");
const T = JSON.parse($("screen-strings").textContent);
const BOARD = Number(root.dataset.board);
const GAP_WAIT_MS = 1000;
const ACK_TIMEOUT_MS = 10000;
const RETRY_MS = 1500;

const state = {
  ...emptyState({ id: BOARD, phase: root.dataset.phase, timer_ends_at: $("screen-timer").dataset.ends || null }),
  presence: 0,
  clockOffset: 0,
  joined: false,
  joining: false,
  refused: "",
};
const sequencer = new Sequencer({ board: BOARD });
let connection = 0;
let gapTimer = null;
let drawQueued = false;
// Signature id -> when this page first saw it: a new one stands out for a moment.
const signaturesSeen = new Map();
const NEW_SIGNATURE_MS = 8000;
// The server announces who is here (this page too) before it answers the join, whose
// snapshot was taken before: the announcement wins.
let presenceSeen = false;

/** The signatures already there when the page joins are not new. */
function seeSignatures() {
  for (const commitment of state.commitments.values()) {
    for (const signature of commitment.signatures || []) {
      if (!signaturesSeen.has(signature.id)) signaturesSeen.set(signature.id, 0);
    }
  }
}

// --- drawing --------------------------------------------------------------------------

function cardNode(card, members = []) {
  const votes = revealed(state) ? el("p", { class: "screen-card__votes", text: fmt(T.votes, { num: state.totals.get(card.id) || 0 }) }) : "";
  const cluster = members.length
    ? el("ol", { class: "screen-cards screen-cards--cluster", "aria-label": fmt(T.cluster, { id: card.id }) },
      members.map((member) => cardNode(member)))
    : "";
  return el("li", { class: "screen-card", "data-card": card.id, "data-kind": card.kind }, [
    el("p", { class: "screen-card__kind", text: [T.kinds[card.kind] || card.kind, card.group ? fmt(T.fromGroup, { num: card.group.no }) : ""].filter(Boolean).join(" · ") }),
    el("p", { class: "screen-card__text", text: card.text }),
    votes,
    cluster,
  ]);
}

function drawWall() {
  const lists = [...root.querySelectorAll(".screen-cards[data-cards]")];
  const columns = wallColumns(state, lists.map((list) => Number(list.dataset.cards)));
  for (const list of lists) {
    const heads = columns.get(Number(list.dataset.cards)) || [];
    list.replaceChildren(...heads.map(({ card, members }) => cardNode(card, members)));
  }
  $("screen-votes-note").hidden = revealed(state) || state.board.phase !== "vote";
}

function spotlightContent(target) {
  if (target.type === "commitment") {
    const commitment = state.commitments.get(target.id);
    if (!commitment) return null;
    return [el("p", { class: "screen-spotlight__text", text: commitment.title }),
      commitment.action ? el("p", { class: "screen-spotlight__more", text: commitment.action }) : ""];
  }
  const head = state.cards.get(target.id);
  if (!shown(head)) return null;
  const big = (card) => el("p", { class: "screen-spotlight__text", text: card.text });
  if (target.type === "card") return [el("p", { class: "screen-spotlight__meta", text: fmt(T.spotlightCard, { id: head.id }) }), big(head)];
  const members = [...state.cards.values()].filter((c) => c.cluster === head.id && shown(c));
  return [
    el("p", { class: "screen-spotlight__meta", text: fmt(T.spotlightCluster, { id: head.id }) }),
    big(head),
    el("ul", { class: "screen-spotlight__members" }, members.map((c) => el("li", { text: c.text }))),
  ];
}

function drawSpotlight() {
  const target = state.board.spotlight || null;
  const key = spotlightKey(target);
  const section = $("screen-spotlight");
  section.hidden = !key;
  root.dataset.spotlight = key ? "on" : "off";
  if (!key) return;
  const parts = spotlightContent(target) || [el("p", { text: T.spotlightGone })];
  $("screen-spotlight-body").replaceChildren(...parts);
}

function drawResults() {
  $("screen-results").hidden = !revealed(state);
  $("screen-results-list").replaceChildren(...voteResults(state).map(({ card, votes }) => el("li", { "data-card": card.id }, [
    el("span", { class: "screen-results__votes", text: fmt(T.votes, { num: votes }) }),
    el("span", { class: "screen-results__text", text: card.text }),
  ])));
}

function drawSignatures() {
  const signing = state.board.phase === "sign";
  $("screen-signatures").hidden = !signing;
  const items = [...state.commitments.values()].sort((a, b) => a.id - b.id).map((commitment) => {
    const names = (commitment.signatures || []).map((signature) => {
      if (!signaturesSeen.has(signature.id)) signaturesSeen.set(signature.id, Date.now());
      const fresh = Date.now() - signaturesSeen.get(signature.id) < NEW_SIGNATURE_MS;
      return el("li", { class: fresh ? "screen-signature screen-signature--new" : "screen-signature", text: signature.organisation?.name || "" });
    });
    return el("li", { "data-commitment": commitment.id }, [
      el("strong", { text: commitment.title }),
      names.length ? el("ul", { class: "screen-signatures__names", "aria-label": T.signedBy }, names) : el("span", { text: ` ${T.notSigned}` }),
    ]);
  });
  $("screen-signatures-list").replaceChildren(...items);
}

function drawTimer() {
  const ends = state.board.timer_ends_at;
  const node = $("screen-timer");
  const clock = $("screen-clock");
  if (!ends) {
    node.textContent = T.noTimer;
    $("screen-time-up").hidden = true;
    clock.removeAttribute("data-state");
    return;
  }
  const seconds = Math.ceil(Math.max(Date.parse(ends) - (Date.now() + state.clockOffset), 0) / 1000);
  node.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
  $("screen-time-up").hidden = seconds > 0;
  clock.dataset.state = seconds > 0 ? "running" : "up";
}

function draw() {
  if (drawQueued) return;
  drawQueued = true;
  queueMicrotask(() => {
    drawQueued = false;
    root.dataset.phase = state.board.phase;
    $("screen-phase").textContent = T.phases[state.board.phase] || state.board.phase;
    $("screen-presence").textContent = String(state.presence);
    drawWall();
    drawSpotlight();
    drawResults();
    drawSignatures();
    drawTimer();
  });
}

function setStatus(text) {
  const node = $("screen-status");
  if (node.textContent !== text) node.textContent = text;
  root.dataset.connection = state.joined ? "online" : "offline";
}

// --- the socket ----------------------------------------------------------------------

const socket = io(root.dataset.namespace, {
  path: root.dataset.socketPath,
  transports: ["websocket", "polling"],
  tryAllTransports: true,
  auth: { board: BOARD },
  query: { lang: document.documentElement.lang },
});

function applyReady({ ready, gap }) {
  for (const { message, live } of ready) {
    if (live && message.at) state.clockOffset = Date.parse(message.at) - Date.now();
    applyEvent(state, message);
  }
  draw();
  if (!gap) {
    clearTimeout(gapTimer);
    gapTimer = null;
  } else if (gapTimer === null) {
    gapTimer = setTimeout(() => {
      gapTimer = null;
      if (sequencer.gap && socket.connected && !state.joining) join();
    }, GAP_WAIT_MS);
  }
}

function join() {
  if (state.joining) return;
  state.joining = true;
  const payload = { board: BOARD };
  if (sequencer.last !== null) payload.since = sequencer.last;
  const joinedOn = connection;
  presenceSeen = false;
  socket.timeout(ACK_TIMEOUT_MS).emit("join", payload, (error, ack) => {
    if (joinedOn !== connection) return;
    state.joining = false;
    if (error || !ack) {
      if (socket.connected) setTimeout(join, RETRY_MS);
      return;
    }
    if (!ack.ok) {
      setStatus(T.refused);
      socket.disconnect();
      return;
    }
    if (ack.mode === "snapshot") {
      loadSnapshot(state, ack.snapshot);
      if (!presenceSeen) state.presence = (ack.snapshot.presence || []).length;
      seeSignatures();
      applyReady(sequencer.reset(ack.seq));
    } else {
      applyReady(sequencer.receiveAll(ack.events, false));
    }
    state.joined = true;
    setStatus(T.connected);
    draw();
  });
}

socket.on("connect", join);
socket.on("disconnect", () => {
  connection += 1;
  state.joined = false;
  state.joining = false;
  setStatus(T.reconnecting);
});
socket.on("connect_error", (error) => {
  const refusal = connectRefusal(error, socket.active, { ...T, errors: {} });
  if (refusal) setStatus(refusal);
});
socket.on("event", (message) => applyReady(sequencer.receive(message)));
socket.on("events", (messages) => applyReady(sequencer.receiveAll(messages)));
socket.on("presence", (message) => {
  if (message?.board !== BOARD) return;
  presenceSeen = true;
  state.presence = (message.people || []).length;
  draw();
});

// The server-rendered wall stands until the first snapshot replaces it.
setInterval(drawTimer, 1000);
drawTimer();
