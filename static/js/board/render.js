/* The board's view: what the events do to the page's state, and that state drawn into
 * the page. Cards are laid out in their columns (or under the head of their cluster);
 * the cards themselves are drawn by render_cards.js, the commitments and the drafting
 * form by render_commitments.js, the phase stepper and the countdown by
 * render_header.js, and drag and drop is wired by drag.js. Who is here lives here.
 *
 * `createView(page)` is called once by main.js with what the page knows:
 * {root, strings, me, facilitator, official, organisation, state, outbox, allowed,
 * maySign, send}.
 * Nothing happens on import. User text is only ever put into the page as text. */

import { Announcer } from "./announcer.js";
import { openDialog } from "./dialogs.js";
import { enableDragging } from "./drag.js";
import { button, el, focusable, keepingFocus } from "./dom.js";
import { createCards } from "./render_cards.js";
import { createCommitments } from "./render_commitments.js";
import { createHeader } from "./render_header.js";
import { fmt, short } from "./text.js";

const ALERT_MS = 8000;

export function createView(page) {
  const { root, strings: T, me: ME, facilitator: FACILITATOR, official: OFFICIAL, state, outbox } = page;
  const MY_ORGANISATION = page.organisation;
  const { allowed, maySign, send } = page;
  const $ = (id) => document.getElementById(id);
  const cardNodes = new Map();
  const clusterLists = new Map();
  const placeholders = new Map(); // cid -> node of a card waiting to be sent
  const editors = new Map(); // card id -> {baseVersion, baseText, incoming, by}
  const picked = new Set();
  let layoutQueued = false;
  let alertTimer = null;
  // Where focus goes once the cards are laid out: {target: () => node, until: ms}. It
  // lapses after a moment, so a card arriving late never takes focus from elsewhere.
  let focusWanted = null;
  const FOCUS_WAIT_MS = 3000;
  // Theme names as the page printed them, in the visitor's language (the socket's
  // board objects are built outside any request, so in the default language).
  const THEME_NAMES = new Map(state.board.themes.map((theme) => [theme.id, theme.name]));

  function themeName(id) {
    return THEME_NAMES.get(id) ?? state.board.themes.find((theme) => theme.id === id)?.name ?? "";
  }

  function visible(card) {
    return FACILITATOR || !card.hidden;
  }

  function showAlert(message) {
    const node = $("board-alert");
    node.textContent = message;
    clearTimeout(alertTimer);
    alertTimer = setTimeout(() => { node.textContent = ""; }, ALERT_MS);
  }

  function announce(message) {
    const node = $("board-announcer");
    node.append(el("p", { text: message }));
    while (node.childElementCount > 5) node.firstElementChild.remove();
  }

  const speaker = new Announcer({
    say: announce,
    summary: (num, last) => fmt(T.burst, { num, last }),
  });

  // What the parts of the view share (functions are read when called).
  const view = {
    root, T, ME, FACILITATOR, OFFICIAL, MY_ORGANISATION, state, outbox, allowed, maySign, send, $, speaker,
    cardNodes, clusterLists, placeholders, editors, picked,
    showAlert, refreshAll, themeName, visible, scheduleLayout,
  };
  const cardView = createCards(view);
  const commitments = createCommitments(view);
  const header = createHeader(view);
  const dragging = enableDragging(view);
  const { refreshCard, placeholderNode, guardCard, cardConflict } = cardView;
  const { upsertCommitment, renderCommitment, renderSourceCards, commitmentConflict } = commitments;
  const renderTimer = header.renderTimer;

  // --- answers to this person's changes ------------------------------------------------

  /** The server refused one of this person's changes: say why, or, for a stale version
   * of what they edit, show both versions. */
  function showRefusal(entry, error) {
    const code = error.code || "internal";
    if (code === "conflict" && error.current && entry.event === "card:update") {
      cardConflict(entry, error.current);
      return;
    }
    if (code === "conflict" && error.current && entry.event === "commitment:update") {
      commitmentConflict(entry, error.current);
      return;
    }
    let message = T.errors[code] || T.errors.internal;
    if (code === "invalid" && error.fields) {
      message += ` ${fmt(T.fields, { fields: Object.keys(error.fields).map(commitments.fieldLabel).join(", ") })}`;
    }
    showAlert(message);
  }

  /** The board as a join's snapshot has it (who is here is the caller's choice). */
  function loadSnapshot(snapshot) {
    if (!state.hydrated) {
      // The server-rendered cards and commitments give way to the live ones.
      for (const list of root.querySelectorAll(".card-list")) list.replaceChildren();
      $("commitment-list").replaceChildren();
      state.hydrated = true;
    }
    setBoard(snapshot.board);
    const ids = new Set(snapshot.cards.map((card) => card.id));
    for (const id of [...state.cards.keys()]) if (!ids.has(id)) dropCard(id, null);
    for (const card of snapshot.cards) upsertCard(card, null, false);
    const commitments = new Set(snapshot.commitments.map((c) => c.id));
    for (const id of [...state.commitments.keys()]) {
      if (!commitments.has(id)) {
        state.commitments.delete(id);
        $(`commitment-${id}`)?.remove();
      }
    }
    for (const commitment of snapshot.commitments) upsertCommitment(commitment, null);
    const votes = snapshot.votes || {};
    state.totals = new Map(Object.entries(votes.totals || {}).map(([id, n]) => [Number(id), n]));
    state.mine = new Map(Object.entries(votes.mine || {}).map(([id, n]) => [Number(id), n]));
    if (typeof votes.left === "number") setVotesLeft(votes.left);
    scheduleLayout();
  }

  // --- applying events -----------------------------------------------------------------

  function apply(message, live) {
    const others = live && message.actor && message.actor.id !== ME;
    const said = others ? describe(message) : null;
    applyChange(message, live);
    speaker.add(said);
  }

  /** What a change by someone else means, in words (read before it is applied, so a
   * move is told from where the card was); votes are only counted, never said. */
  function describe({ type, data = {}, actor }) {
    const name = actor.name || T.someone;
    const card = data.card && state.cards.get(data.card.id);
    switch (type) {
      case "card:create":
        return visible(data.card) ? fmt(T.newCard, { name, text: short(data.card.text) }) : null;
      case "card:update":
      case "card:move":
        if (card && card.theme !== data.card.theme) {
          return fmt(T.cardMoved, { id: data.card.id, theme: themeName(data.card.theme) });
        }
        return card && visible(card) ? fmt(T.cardChanged, { name, id: data.card.id }) : null;
      case "card:hide":
        return card && visible(card) ? fmt(T.cardChanged, { name, id: data.card.id }) : null;
      case "card:merge":
        return fmt(T.mergedFlag, { id: data.card.id });
      case "card:delete":
        return card && visible(card) ? fmt(T.deletedBy, { id: data.card.id, name }) : null;
      case "comment:add":
        return fmt(T.newComment, { name, id: data.comment?.card });
      case "commitment:create":
        return fmt(T.newCommitmentFrom, { name, title: data.commitment.title });
      case "commitment:update":
        return fmt(T.commitmentChanged, { name, title: data.commitment.title });
      case "commitment:sign":
        return fmt(T.commitmentSigned, { name, title: data.commitment.title });
      default:
        return null;
    }
  }

  function applyChange(message, live) {
    const { type, data = {}, actor } = message;
    switch (type) {
      case "card:create":
      case "card:update":
      case "card:hide":
        upsertCard(data.card, actor, live);
        break;
      case "card:delete":
        dropCard(data.card.id, actor);
        break;
      case "card:move":
      case "card:merge":
        moveCards(data, actor, live);
        break;
      case "comment:add":
        addComment(data.comment);
        break;
      case "vote:cast":
      case "vote:retract":
        countVote(type, data, actor);
        break;
      case "commitment:create":
      case "commitment:update":
      case "commitment:sign":
        upsertCommitment(data.commitment, actor);
        break;
      case "board:phase":
      case "board:lock":
      case "board:timer":
      case "vote:settings":
      case "vote:reveal":
      case "board:spotlight":
        setBoard(data.board);
        break;
      case "participant:remove":
        if (data.person === ME) state.removed = true;
        break;
      default:
        break; // an event this page does not know yet (PROTOCOL may grow)
    }
  }

  function upsertCard(card, actor, live) {
    if (!card) return;
    if (card.deleted) {
      dropCard(card.id, actor);
      return;
    }
    state.cards.set(card.id, card);
    const editor = editors.get(card.id);
    if (editor) guardCard(editor, card, actor);
    refreshCard(card.id);
    scheduleLayout();
  }

  function dropCard(id, actor) {
    if (editors.has(id)) {
      editors.delete(id);
      showAlert(fmt(T.deletedBy, { id, name: actor?.name || T.someone }));
    }
    state.cards.delete(id);
    picked.delete(id);
    const node = cardNodes.get(id);
    if (node?.contains(document.activeElement)) {
      const near = node.nextElementSibling || node.previousElementSibling;
      const heading = node.closest(".board-column")?.querySelector("h2");
      wantFocus(() => near?.querySelector(".card__body") || heading);
    }
    node?.remove();
    cardNodes.delete(id);
    clusterLists.delete(id);
    scheduleLayout();
  }

  /** A moved or merged card, with the cards merged into it and the members of the
   * clusters the server moved along with it (`reclustered`, each with its new version). */
  function moveCards(data, actor, live) {
    for (const card of [...(data.merged || []), ...(data.reclustered || [])]) {
      upsertCard(card, actor, live);
    }
    upsertCard(data.card, actor, live);
  }

  function addComment(comment) {
    if (!comment || state.commentIds.has(comment.id)) return;
    state.commentIds.add(comment.id);
    const list = state.comments.get(comment.card) || [];
    list.push(comment);
    state.comments.set(comment.card, list);
    refreshCard(comment.card);
  }

  /** A vote: before the reveal a participant's event says nothing of it (votes.js
   * takes the person's own from the server's `votes` message). */
  function countVote(type, data, actor) {
    if (typeof data.card !== "number") return;
    state.totals.set(data.card, data.total);
    if (actor?.id === ME && typeof data.mine === "number") {
      state.mine.set(data.card, data.mine);
      setVotesLeft(data.votes_left);
    }
    refreshCard(data.card);
    scheduleLayout();
  }

  function setVotesLeft(left) {
    state.votesLeft = left;
    $("votes-left").textContent = String(left);
    for (const id of cardNodes.keys()) refreshCard(id);
  }

  function setBoard(board) {
    if (!board) return;
    const phaseChanged = board.phase !== state.board.phase;
    const lockChanged = board.locked !== state.board.locked;
    state.board = board;
    root.dataset.phase = board.phase;
    root.dataset.locked = String(board.locked);
    $("board-phase-name").textContent = T.phases[board.phase] || board.phase;
    $("board-phase-hint").textContent = T.hints[board.phase] || "";
    $("board-locked").hidden = !board.locked;
    $("vote-budget").textContent = String(board.vote_budget);
    const select = $("phase-select");
    if (select && document.activeElement !== select) select.value = board.phase;
    const lock = $("lock-button");
    if (lock) {
      lock.setAttribute("aria-pressed", String(board.locked));
      $("lock-value").value = String(!board.locked);
    }
    if (phaseChanged) speaker.now(`${T.phases[board.phase] || board.phase}: ${T.hints[board.phase] || ""}`);
    if (lockChanged) speaker.now(board.locked ? T.errors.locked : T.unlocked);
    renderTimer();
    header.renderStepper();
    refreshAll();
  }

  function refreshAll() {
    const focused = document.activeElement;
    refreshEverything();
    // A form this phase no longer offers had focus: its section's heading takes it.
    const lost = document.activeElement === focused || document.activeElement === document.body;
    if (lost && focused && focused !== document.body && focused.isConnected && !focusable(focused)) {
      focused.closest("section")?.querySelector("h2")?.focus();
    }
  }

  function refreshEverything() {
    for (const id of cardNodes.keys()) refreshCard(id);
    for (const commitment of state.commitments.values()) renderCommitment(commitment);
    for (const form of root.querySelectorAll("form.new-card")) form.hidden = !allowed("card:create");
    commitments.refreshCommitmentForm();
    scheduleLayout();
  }

  function scheduleLayout() {
    if (layoutQueued || !state.hydrated) return;
    layoutQueued = true;
    queueMicrotask(() => {
      layoutQueued = false;
      layout();
    });
  }

  /** Put every visible card in its column, or under the head of its cluster, in
   * creation order; then the cards still waiting to be sent. Nodes already in place are
   * not touched, so an open editor keeps its focus. */
  function layout() {
    keepingFocus(placeCards);
    if (focusWanted && Date.now() > focusWanted.until) focusWanted = null;
    const target = focusWanted?.target();
    if (target?.isConnected) {
      focusWanted = null;
      target.focus();
    }
  }

  function wantFocus(target) {
    focusWanted = { target, until: Date.now() + FOCUS_WAIT_MS };
  }

  /** Focus `id`'s card once it is on the page (a new card arrives with its event). */
  function focusCard(id) {
    wantFocus(() => cardNodes.get(id)?.querySelector(".card__body"));
    scheduleLayout();
  }

  /** The server accepted one of this person's changes: say so, and put focus on what
   * the change made, when focus is still where the person made it. */
  function acknowledged(entry, ack) {
    const { event, payload } = entry;
    if (event === "card:create" && ack.card) {
      const form = root.querySelector(`form.new-card [name=theme][value="${payload.theme}"]`)?.form;
      const stillThere = !document.activeElement || document.activeElement === document.body
        || form?.contains(document.activeElement);
      if (stillThere) focusCard(ack.card.id);
    } else if (event === "vote:cast" || event === "vote:retract") {
      speaker.now(fmt(T.votesLeft, { num: state.votesLeft }));
    } else if (event === "card:move" || event === "card:update") {
      if (payload.theme !== undefined) speaker.now(fmt(T.cardMoved, { id: payload.card, theme: themeName(payload.theme) }));
    } else if (event === "card:merge") {
      speaker.now(fmt(T.mergedFlag, { id: payload.into }));
    } else if (event === "commitment:sign") {
      speaker.now(OFFICIAL ? T.signedByAuthority : T.signedByYou);
    } else if ((event === "commitment:create" || event === "commitment:update") && ack.commitment) {
      speaker.now(T.saved);
      if (commitments.holds(document.activeElement)) {
        upsertCommitment(ack.commitment, null);
        $(`commitment-${ack.commitment.id}`)?.querySelector("h3")?.focus();
      }
    }
  }

  function placeCards() {
    const columns = new Map(
      [...root.querySelectorAll("ol.card-list")].map((list) => [Number(list.dataset.cards), list]),
    );
    const firstColumn = columns.values().next().value;
    const cards = page.order([...state.cards.values()]);
    const shown = new Set(cards.filter(visible).map((card) => card.id));
    for (const card of cards) {
      if (shown.has(card.id)) cardView.cardNode(card.id);
      else cardNodes.get(card.id)?.remove();
    }
    const wanted = new Map([...columns.values(), ...clusterLists.values()].map((list) => [list, []]));
    for (const card of cards.filter((c) => shown.has(c.id))) {
      const head = card.cluster ? state.cards.get(card.cluster) : null;
      const underHead = head && head.id !== card.id && shown.has(head.id) && !head.cluster;
      const list = underHead ? clusterLists.get(head.id) : columns.get(card.theme) || firstColumn;
      wanted.get(list).push(cardNodes.get(card.id));
    }
    const waiting = new Set();
    for (const entry of outbox.entries) {
      if (entry.event !== "card:create") continue;
      waiting.add(entry.cid);
      const list = columns.get(Number(entry.payload.theme)) || firstColumn;
      wanted.get(list).push(placeholderNode(entry));
    }
    for (const [cid, node] of placeholders) {
      if (!waiting.has(cid)) {
        node.remove();
        placeholders.delete(cid);
      }
    }
    for (const [list, nodes] of wanted) arrange(list, nodes);
    for (const [id, list] of clusterLists) {
      list.hidden = list.childElementCount === 0;
      if (!cardNodes.has(id)) clusterLists.delete(id);
    }
    renderSourceCards();
    commitments.keepDraftPanel();
    commitments.refreshCommitmentForm();
    dragging.refresh();
  }

  function arrange(list, nodes) {
    nodes.forEach((node, index) => {
      if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
    });
    while (list.children.length > nodes.length) list.lastElementChild.remove();
  }

  // --- presence and timer -------------------------------------------------------------

  function renderPresence(people) {
    const focused = document.activeElement?.dataset?.person;
    state.presence = people;
    $("presence-count").textContent = String(people.length);
    $("presence-list").replaceChildren(...people.map((person) => {
      const item = el("li", {}, [person.organisation ? `${person.name} · ${person.organisation}` : person.name]);
      if (person.role === "facilitator") item.append(" ", el("span", { class: "badge", text: T.facilitator }));
      if (FACILITATOR && person.role !== "facilitator" && person.id !== ME && allowed("participant:remove")) {
        item.append(" ", button("remove-person", fmt(T.removePerson, { name: person.name }), {
          "data-person": person.id, "data-name": person.name, class: "danger small",
        }));
      }
      return item;
    }));
    if (focused) $("presence-list").querySelector(`[data-person="${focused}"]`)?.focus();
  }

  // --- what the person does, as far as the view is concerned ---------------------------

  function removePerson(control) {
    const name = control.dataset.name || "";
    $("remove-dialog-title").textContent = fmt(T.removePerson, { name });
    $("remove-reason-label").textContent = fmt(T.removeReason, { name });
    $("remove-confirm").textContent = fmt(T.removePerson, { name });
    $("remove-reason").value = "";
    openDialog($("remove-dialog"), control, {
      onConfirm(form) {
        const reason = form.elements.namedItem("reason").value;
        send("participant:remove", { person: Number(control.dataset.person), reason });
      },
      fallback: () => $("presence-title"),
    });
  }

  return {
    ...cardView,
    ...commitments,
    apply,
    acknowledged,
    removePerson,
    loadSnapshot,
    showAlert,
    announce,
    showRefusal,
    refreshAll,
    scheduleLayout,
    setVotesLeft,
    addComment,
    renderPresence,
    renderTimer,
  };
}
