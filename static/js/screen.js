/* The projector screen: the board as the room sees it on the wall, with no controls.
 * It joins the board over the socket as the staff member who opened it (PROTOCOL.md:
 * `join`, with `since` after a reconnection or a gap: the board's own joining.js and
 * sequencer) and never sends a change. The page draws the wall
 * (no hidden card, no author), the countdown, the spotlight, the vote results once
 * revealed and the signatures of the sign phase. User text only goes in as text. */

import { io } from "../vendor/socket.io.esm.min.js";
import { connectRefusal, sessionEndedText } from "./board/connection.js";
import { el } from "./board/dom.js";
import { stayJoined } from "./board/joining.js";
import { Sequencer } from "./board/sequencer.js";
import { spotlightKey } from "./board/spotlight.js";
import { fmt } from "./board/text.js";
import { applyEvent, emptyState, loadSnapshot, revealed, shown, voteResults, wallColumns } from "./screen_state.js";

const $ = (id) => document.getElementById(id);
const root = $("screen");
const T = JSON.parse($("screen-strings").textContent);
const BOARD = Number(root.dataset.board);

const state = {
  ...emptyState({ id: BOARD, phase: root.dataset.phase, timer_ends_at: $("screen-timer").dataset.ends || null }),
  presence: 0,
  clockOffset: 0,
  joined: false,
  refused: "",
};
const sequencer = new Sequencer({ board: BOARD });
let drawQueued = false;
// Signature id -> when this page first saw it: a new one stands out for a moment.
const signaturesSeen = new Map();
const NEW_SIGNATURE_MS = 8000;

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

stayJoined({
  socket,
  board: BOARD,
  sequencer,
  loadSnapshot(snapshot, presenceSeen) {
    loadSnapshot(state, snapshot);
    if (!presenceSeen) state.presence = (snapshot.presence || []).length;
    seeSignatures();
  },
  apply(ready) {
    for (const { message, live } of ready) {
      if (live && message.at) state.clockOffset = Date.parse(message.at) - Date.now();
      applyEvent(state, message);
    }
    draw();
  },
  joined() {
    state.joined = true;
    setStatus(T.connected);
    draw();
  },
  refused() {
    stop(T.refused);
  },
});

/** The server will not have this screen back (a refusal, or its person's access
 * ended): it says why, and that stays. */
function stop(text) {
  state.refused = text;
  setStatus(text);
}

socket.on("session_ended", (message) => stop(sessionEndedText(message, T)));
socket.on("disconnect", () => {
  state.joined = false;
  setStatus(state.refused || T.reconnecting);
});
socket.on("connect_error", (error) => {
  const refusal = connectRefusal(error, socket.active, { ...T, errors: {} });
  if (refusal) stop(refusal);
});
socket.on("presence", (message) => {
  if (message?.board !== BOARD) return;
  state.presence = (message.people || []).length;
  draw();
});

// The server-rendered wall stands until the first snapshot replaces it.
setInterval(drawTimer, 1000);
drawTimer();
