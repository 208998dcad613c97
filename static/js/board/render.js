/* The board's view: what the events do to the page's state, and that state drawn into
 * the page. Cards are laid out in their columns (or under the head of their cluster);
 * a card (or the commitment) the person is editing is never overwritten: they get a
 * "changed by" notice and choose Reload or Keep mine. The commitment form, who is here
 * and the timer live here too.
 *
 * `createView(page)` is called once by main.js with what the page knows:
 * {root, strings, me, facilitator, official, organisation, state, outbox, allowed,
 * maySign, send}.
 * Nothing happens on import. User text is only ever put into the page as text. */

import { Announcer } from "./announcer.js";
import { openDialog } from "./dialogs.js";
import { button, el, focusable, keepingFocus } from "./dom.js";
import { fmt, short } from "./text.js";

const ALERT_MS = 8000;
const MAX_DOTS = 20;

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
  let commitmentEditor = null; // {id, baseVersion, base, incoming, by}
  let layoutQueued = false;
  let timerAnnounced = null;
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
      message += ` ${fmt(T.fields, { fields: Object.keys(error.fields).map(fieldLabel).join(", ") })}`;
    }
    showAlert(message);
  }

  function fieldLabel(name) {
    const field = $("commitment-form").elements.namedItem(name.replace(".", "-"));
    const label = field?.labels?.[0]?.textContent;
    return label ? label.trim() : name;
  }

  /** The text of this person's change to a card that still waits to be acknowledged. */
  function waitingText(cardId) {
    const entries = outbox.entries;
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const { event, payload } = entries[i];
      if (event === "card:update" && payload.card === cardId && payload.text) return payload.text;
    }
    return null;
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
    const cards = new Set(snapshot.cards.map((card) => card.id));
    for (const id of [...state.cards.keys()]) if (!cards.has(id)) dropCard(id, null);
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

  function countVote(type, data, actor) {
    state.totals.set(data.card, data.total);
    if (actor?.id === ME) {
      const mine = (state.mine.get(data.card) || 0) + (type === "vote:cast" ? 1 : -1);
      state.mine.set(data.card, Math.max(mine, 0));
      const used = [...state.mine.values()].reduce((sum, n) => sum + n, 0);
      setVotesLeft(Math.max(state.board.vote_budget - used, 0));
    }
    refreshCard(data.card);
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
    refreshAll();
  }

  // --- rendering: cards ------------------------------------------------------------------

  function cardNode(id) {
    let node = cardNodes.get(id);
    if (node) return node;
    node = el("li", { class: "card", id: `card-${id}`, "data-card": id });
    const editorId = `card-${id}-edit`;
    const body = el("article", { class: "card__body", "aria-labelledby": `card-${id}-text`, tabindex: -1 }, [
      el("p", { class: "card__meta" }, [
        el("span", { class: "card__kind" }), " ",
        el("span", { class: "card__author" }), " ",
        el("span", { class: "card__flags" }),
      ]),
      el("p", { class: "card__text", id: `card-${id}-text` }),
      el("div", { class: "card__editor", hidden: true }, [
        el("label", { for: editorId, class: "visually-hidden", text: fmt(T.editCard, { id }) }),
        el("textarea", { id: editorId, rows: 3, maxlength: 2000 }),
        el("div", { class: "notice", hidden: true }),
        el("div", { class: "card__buttons" }, [
          button("save", T.save, { class: "primary", "data-card": id }),
          button("cancel", T.cancel, { "data-card": id }),
        ]),
      ]),
      el("p", { class: "card__votes" }, [
        el("span", { class: "card__dots", "aria-hidden": "true" }), " ",
        el("span", { class: "card__vote-count" }), " ",
        el("span", { class: "card__my-votes" }),
      ]),
      el("div", { class: "card__buttons card__actions" }, [
        button("edit", T.edit, { "data-card": id, "aria-label": fmt(T.editCard, { id }) }),
        button("move", T.move, { "data-card": id, "aria-label": fmt(T.moveCard, { id }), "aria-haspopup": "dialog" }),
        button("delete", T.delete, { "data-card": id, class: "danger", "aria-haspopup": "dialog" }),
        button("vote", T.vote, { "data-card": id, "aria-label": fmt(T.voteFor, { id }) }),
        button("retract", T.retract, { "data-card": id }),
        button("hide", T.hide, { "data-card": id }),
        button("pick", T.pick, { "data-card": id, "aria-pressed": "false" }),
        button("cluster-here", T.clusterHere, { "data-card": id }),
        button("merge-here", T.mergeHere, { "data-card": id }),
        button("uncluster", T.uncluster, { "data-card": id }),
      ]),
      commentsBlock(id),
    ]);
    const cluster = el("ol", { class: "card__cluster", "aria-label": fmt(T.cluster, { id }), hidden: true });
    node.append(body, cluster);
    node.querySelector("textarea").addEventListener("keydown", (event) => {
      if (event.key === "Escape") cancelEdit(id);
    });
    cardNodes.set(id, node);
    clusterLists.set(id, cluster);
    return node;
  }

  function commentsBlock(id) {
    const inputId = `card-${id}-comment`;
    return el("details", { class: "card__comments" }, [
      el("summary"),
      el("ol", { class: "card__comment-list" }),
      el("form", { class: "card__comment-form", "data-event": "comment:add", "data-card": id }, [
        el("label", { for: inputId, class: "visually-hidden", text: fmt(T.commentOn, { id }) }),
        el("input", { type: "text", id: inputId, name: "text", maxlength: 500, required: true }),
        el("button", { type: "submit", text: T.addComment }),
      ]),
    ]);
  }

  function refreshCard(id) {
    const card = state.cards.get(id);
    const node = cardNodes.get(id);
    if (!card) return;
    if (!node) {
      cardNode(id);
      refreshCard(id);
      return;
    }
    const q = (selector) => node.querySelector(selector);
    const focused = node.contains(document.activeElement) ? document.activeElement : null;
    const editor = editors.get(id);
    const waiting = waitingText(id);
    node.classList.toggle("card--hidden", Boolean(card.hidden));
    node.classList.toggle("card--merged", Boolean(card.merged_into));
    node.classList.toggle("card--picked", picked.has(id));
    node.classList.toggle("card--waiting", waiting !== null);
    q(".card__kind").className = `card__kind card__kind--${card.kind}`;
    q(".card__kind").textContent = T.kinds[card.kind] || card.kind;
    const author = card.author || {};
    q(".card__author").textContent = author.organisation ? `${author.name} · ${author.organisation}` : author.name || "";
    const mergedHere = [...state.cards.values()].filter((c) => c.merged_into === id).length;
    q(".card__flags").textContent = [
      author.id === ME ? T.yours : null,
      card.group ? fmt(T.breakout.fromGroup, { num: card.group.no }) : null,
      card.hidden && !card.merged_into ? T.hiddenFlag : null,
      card.merged_into ? fmt(T.mergedFlag, { id: card.merged_into }) : null,
      mergedHere ? fmt(T.mergedCount, { num: mergedHere }) : null,
      waiting !== null ? T.pendingFlag : null,
    ].filter(Boolean).join(" · ");
    const text = q(".card__text");
    text.textContent = waiting ?? card.text;
    text.hidden = Boolean(editor);
    q(".card__editor").hidden = !editor;
    refreshVotes(node, id);
    refreshCardButtons(node, card, editor);
    refreshComments(node, id);
    if (focused && !focusable(focused)) rescueFocus(node);
  }

  /** The control that had focus in this card is gone (used up, or not for this phase):
   * focus goes to the card's next useful control, or to the card itself. */
  function rescueFocus(node) {
    const candidates = ['[data-action="vote"]', '[data-action="retract"]', ".card__body"];
    for (const selector of candidates) {
      const target = node.querySelector(`:scope > .card__body ${selector}, :scope > ${selector}`);
      if (target && focusable(target)) {
        target.focus();
        return;
      }
    }
  }

  function refreshVotes(node, id) {
    const total = state.totals.get(id) || 0;
    const mine = state.mine.get(id) || 0;
    node.querySelector(".card__dots").textContent = "●".repeat(Math.min(total, MAX_DOTS));
    node.querySelector(".card__vote-count").textContent = fmt(T.votes, { num: total });
    node.querySelector(".card__my-votes").textContent = mine ? `(${fmt(T.myVotes, { num: mine })})` : "";
  }

  function refreshCardButtons(node, card, editor) {
    const own = card.author?.id === ME;
    const mine = state.mine.get(card.id) || 0;
    const active = !card.merged_into;
    const voting = state.board.phase === "vote";
    const show = {
      edit: !editor && active && allowed("card:update", own),
      delete: !editor && active && allowed("card:delete", own),
      // Facilitators are not bound to phases, but dots belong to the vote phase.
      vote: active && voting && allowed("vote:cast"),
      retract: active && voting && allowed("vote:retract") && mine > 0,
      hide: allowed("card:hide") && active,
      pick: allowed("card:merge") && active,
      move: !editor && active && movable(card, own),
      "cluster-here": allowed("card:merge") && active && picked.size > 0 && !picked.has(card.id),
      "merge-here": allowed("card:merge") && active && picked.size > 0 && !picked.has(card.id),
      uncluster: allowed("card:move") && active && Boolean(card.cluster),
    };
    for (const [action, shown] of Object.entries(show)) {
      node.querySelector(`.card__actions [data-action="${action}"]`).hidden = !shown;
    }
    const vote = node.querySelector('.card__actions [data-action="vote"]');
    vote.disabled = state.votesLeft <= 0;
    const hide = node.querySelector('.card__actions [data-action="hide"]');
    hide.textContent = card.hidden ? T.show : T.hide;
    const pick = node.querySelector('.card__actions [data-action="pick"]');
    pick.setAttribute("aria-pressed", String(picked.has(card.id)));
    pick.textContent = picked.has(card.id) ? T.picked : T.pick;
  }

  /** A facilitator moves any card; a participant changes the theme of their own. */
  function movable(card, own) {
    if (state.board.themes.length < 2) return false;
    return allowed("card:move") || allowed("card:update", own);
  }

  function refreshComments(node, id) {
    const comments = state.comments.get(id) || [];
    const block = node.querySelector(".card__comments");
    block.querySelector("summary").textContent = fmt(T.comments, { num: comments.length });
    const list = block.querySelector(".card__comment-list");
    for (const comment of comments.slice(list.childElementCount)) {
      list.append(el("li", {}, [el("strong", { text: comment.author?.name || "" }), ": ", comment.text]));
    }
    block.querySelector("form").hidden = !allowed("comment:add");
    block.hidden = comments.length === 0 && !allowed("comment:add");
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
    const editing = commitmentEditor !== null;
    $("commitment-form").hidden = !(editing ? allowed("commitment:update") : allowed("commitment:create"));
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
      if (commitmentForm.contains(document.activeElement)) {
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
    const cards = [...state.cards.values()].sort((a, b) => a.id - b.id);
    const shown = new Set(cards.filter(visible).map((card) => card.id));
    for (const card of cards) {
      if (shown.has(card.id)) cardNode(card.id);
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
  }

  function arrange(list, nodes) {
    nodes.forEach((node, index) => {
      if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
    });
    while (list.children.length > nodes.length) list.lastElementChild.remove();
  }

  function placeholderNode(entry) {
    let node = placeholders.get(entry.cid);
    if (!node) {
      node = el("li", { class: "card card--waiting", "data-cid": entry.cid }, [
        el("article", { class: "card__body" }, [
          el("p", { class: "card__meta" }, [
            el("span", { class: `card__kind card__kind--${entry.payload.kind}`, text: T.kinds[entry.payload.kind] || "" }),
            " ",
            el("span", { class: "card__flags", text: T.pendingFlag }),
          ]),
          el("p", { class: "card__text", text: entry.payload.text }),
        ]),
      ]);
      placeholders.set(entry.cid, node);
    }
    return node;
  }

  // --- editing a card ------------------------------------------------------------------

  function editorArea(id) {
    return cardNodes.get(id)?.querySelector(".card__editor textarea");
  }

  function startEdit(id) {
    const card = state.cards.get(id);
    if (!card) return;
    editors.set(id, { baseVersion: card.version, baseText: card.text, incoming: null, by: null });
    const area = editorArea(id);
    area.value = card.text;
    renderNotice(id);
    refreshCard(id);
    area.focus();
  }

  /** Is the person busy with this editor (typing in it, or holding changes)? */
  function busy(id, editor) {
    const area = editorArea(id);
    return document.activeElement === area || area.value !== editor.baseText;
  }

  /** An update of a card being edited: never replace what the person typed. */
  function guardCard(editor, card, actor) {
    if (card.text === editor.baseText) {
      editor.baseVersion = card.version; // nothing of theirs to lose: save on top of it
      return;
    }
    if (!busy(card.id, editor)) {
      editorArea(card.id).value = card.text;
      Object.assign(editor, { baseVersion: card.version, baseText: card.text, incoming: null });
      renderNotice(card.id);
      return;
    }
    editor.incoming = card;
    editor.by = actor?.name || T.someone;
    renderNotice(card.id);
  }

  function cardConflict(entry, current) {
    const id = entry.payload.card;
    if (!state.cards.has(id)) {
      showAlert(T.errors.conflict);
      return;
    }
    const editor = editors.get(id) || { baseVersion: entry.payload.version, baseText: current.text };
    editor.incoming = current;
    editor.by = T.someone;
    editors.set(id, editor);
    const area = editorArea(id);
    area.value = entry.payload.text ?? area.value;
    renderNotice(id);
    refreshCard(id);
    area.focus();
  }

  function renderNotice(id) {
    const editor = editors.get(id);
    const notice = cardNodes.get(id)?.querySelector(".card__editor .notice");
    if (!notice) return;
    if (!editor?.incoming) {
      notice.hidden = true;
      notice.replaceChildren();
      return;
    }
    notice.replaceChildren(
      el("p", { text: fmt(T.changedBy, { name: editor.by }) }),
      el("p", { class: "notice__theirs", text: fmt(T.theirVersion, { text: editor.incoming.text }) }),
      button("reload", T.reload, { "data-card": id }),
      " ",
      button("keep-mine", T.keepMine, { "data-card": id }),
    );
    notice.hidden = false;
    notice.setAttribute("role", "alert");
  }

  function saveEdit(id, version) {
    const editor = editors.get(id);
    const area = editorArea(id);
    const text = area.value.trim();
    if (!editor || !text) return;
    editors.delete(id);
    renderNotice(id);
    if (text !== editor.baseText || version !== editor.baseVersion) {
      send("card:update", { card: id, version, text });
    }
    refreshCard(id);
    cardNodes.get(id)?.querySelector('[data-action="edit"]')?.focus();
  }

  function cancelEdit(id) {
    editors.delete(id);
    renderNotice(id);
    refreshCard(id);
    cardNodes.get(id)?.querySelector('[data-action="edit"]')?.focus();
  }

  function reloadEdit(id) {
    const editor = editors.get(id);
    if (!editor?.incoming) return;
    const theirs = state.cards.get(id) || editor.incoming;
    Object.assign(editor, { baseVersion: theirs.version, baseText: theirs.text, incoming: null });
    editorArea(id).value = theirs.text;
    renderNotice(id);
    editorArea(id).focus();
  }

  function keepMine(id) {
    const editor = editors.get(id);
    if (!editor?.incoming) return;
    saveEdit(id, Math.max(editor.incoming.version, state.cards.get(id)?.version || 0));
  }

  // --- rendering: commitments -------------------------------------------------------------

  function upsertCommitment(commitment, actor) {
    if (!commitment) return;
    state.commitments.set(commitment.id, commitment);
    if (commitmentEditor?.id === commitment.id) guardCommitment(commitment, actor);
    renderCommitment(commitment);
  }

  function renderCommitment(c) {
    const signedByUs = c.signatures.some((s) => (OFFICIAL ? s.authority : s.organisation.id === MY_ORGANISATION));
    const details = el("dl", { class: "details" });
    const row = (label, value, attributes = {}) => {
      if (value === "" || value === null || value === undefined) return;
      details.append(el("dt", { text: label }), el("dd", { ...attributes, text: value }));
    };
    row(T.lead, c.lead?.name);
    row(T.theme, themeName(c.theme));
    row(T.action, c.action, { class: "prose" });
    row(T.indicator, `${c.indicator.name}: ${c.indicator.baseline} → ${c.indicator.target} ${c.indicator.unit}`);
    row(T.deadline, c.deadline);
    row(T.support, c.support_requested, { class: "prose" });
    row(T.sources, c.source_cards.map((id) => `#${id}`).join(", "));
    const signatures = c.signatures.length
      ? el("ul", { class: "commitment__signatures" }, c.signatures.map((s) => el("li", {
        text: s.person?.name ? `${s.organisation.name} (${s.person.name})` : s.organisation.name,
      })))
      : T.notSigned;
    details.append(el("dt", { text: T.signedBy }), el("dd", {}, [signatures]));
    const actions = el("div", { class: "card__buttons" });
    if (allowed("commitment:update")) {
      actions.append(button("edit-commitment", T.editCommitment, { "data-commitment": c.id }));
    }
    const signer = MY_ORGANISATION || (OFFICIAL && state.board.phase === "sign");
    if (signer && !signedByUs && maySign(c)) {
      const label = OFFICIAL ? T.signAuthority : T.sign;
      actions.append(button("sign", label, { "data-commitment": c.id, class: "primary" }));
    }
    if (signedByUs) {
      const text = OFFICIAL ? T.signedByAuthority : T.signedByYou;
      actions.append(el("p", { class: "commitment__signed", text, tabindex: -1 }));
    }
    const node = el("li", { class: "commitment", id: `commitment-${c.id}`, "data-commitment": c.id }, [
      el("h3", { class: "commitment__title", text: c.title, tabindex: -1 }),
      el("p", {}, [el("span", {
        class: `status status--${String(c.status).replace(/\s+/g, "-")}`,
        text: T.statuses[c.status] || c.status,
      })]),
      details,
      actions,
    ]);
    const old = $(`commitment-${c.id}`);
    const hadFocus = old?.contains(document.activeElement) ? document.activeElement : null;
    if (old) old.replaceWith(node);
    else insertCommitment(node, c.id);
    if (hadFocus) commitmentFocus(node, hadFocus).focus();
  }

  /** Where focus goes in a commitment drawn anew: the same control, or after signing
   * the note that says so, or its title. */
  function commitmentFocus(node, had) {
    const action = had.dataset.action;
    const same = action ? node.querySelector(`[data-action="${action}"]`) : null;
    if (same) return same;
    if (action === "sign") return node.querySelector(".commitment__signed") || node.querySelector("h3");
    return node.querySelector(had.matches(".commitment__signed") ? ".commitment__signed" : "h3") || node.querySelector("h3");
  }

  function insertCommitment(node, id) {
    const list = $("commitment-list");
    const next = [...list.children].find((item) => Number(item.dataset.commitment) > id);
    list.insertBefore(node, next || null);
  }

  // The editor form of commitments: create, or update the one being edited.

  const commitmentForm = $("commitment-form");
  const field = (name) => commitmentForm.elements.namedItem(name);

  function formValues() {
    return {
      title: field("title").value.trim(),
      action: field("action").value.trim(),
      theme: Number(field("theme").value),
      lead: Number(field("lead").value),
      indicator: {
        name: field("indicator-name").value.trim(),
        unit: field("indicator-unit").value.trim(),
        baseline: Number(field("indicator-baseline").value),
        target: Number(field("indicator-target").value),
      },
      deadline: field("deadline").value,
      support_requested: field("support_requested").value.trim(),
      source_cards: [...commitmentForm.querySelectorAll("input[name=source_cards]:checked")]
        .map((box) => Number(box.value)).sort((a, b) => a - b),
    };
  }

  function commitmentValues(c) {
    return {
      title: c.title,
      action: c.action,
      theme: c.theme,
      lead: c.lead.id,
      indicator: { ...c.indicator },
      deadline: c.deadline,
      support_requested: c.support_requested,
      source_cards: [...c.source_cards].sort((a, b) => a - b),
    };
  }

  function fillForm(values) {
    field("title").value = values.title;
    field("action").value = values.action || "";
    field("theme").value = String(values.theme);
    field("lead").value = String(values.lead);
    field("indicator-name").value = values.indicator.name;
    field("indicator-unit").value = values.indicator.unit;
    field("indicator-baseline").value = String(values.indicator.baseline);
    field("indicator-target").value = String(values.indicator.target);
    field("deadline").value = values.deadline;
    field("support_requested").value = values.support_requested || "";
    const sources = new Set(values.source_cards || []);
    renderSourceCards(true);
    for (const box of commitmentForm.querySelectorAll("input[name=source_cards]")) {
      box.checked = sources.has(Number(box.value));
    }
  }

  function editCommitment(id) {
    const commitment = state.commitments.get(id);
    if (!commitment) return;
    commitmentEditor = { id, baseVersion: commitment.version, base: commitment, incoming: null, by: null };
    fillForm(commitmentValues(commitment));
    $("commitment-form-title").textContent = fmt(T.editingCommitment, { title: commitment.title });
    $("commitment-cancel").hidden = false;
    renderCommitmentNotice();
    refreshAll();
    field("title").focus();
  }

  function resetCommitmentForm() {
    commitmentEditor = null;
    commitmentForm.reset();
    $("commitment-form-title").textContent = T.newCommitment;
    $("commitment-cancel").hidden = true;
    renderCommitmentNotice();
    refreshAll();
  }

  function sameValues(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function guardCommitment(commitment, actor) {
    const editor = commitmentEditor;
    if (sameValues(commitmentValues(commitment), commitmentValues(editor.base))) {
      editor.baseVersion = commitment.version;
      editor.base = commitment;
      return;
    }
    const dirty = !sameValues(formValues(), commitmentValues(editor.base));
    if (!dirty && !commitmentForm.contains(document.activeElement)) {
      Object.assign(editor, { baseVersion: commitment.version, base: commitment, incoming: null });
      fillForm(commitmentValues(commitment));
      renderCommitmentNotice();
      return;
    }
    editor.incoming = commitment;
    editor.by = actor?.name || T.someone;
    renderCommitmentNotice();
  }

  function commitmentConflict(entry, current) {
    const { commitment: id, version, board, ...values } = entry.payload;
    commitmentEditor = {
      id, baseVersion: version, base: state.commitments.get(id) || current, incoming: current, by: T.someone,
    };
    fillForm({ ...commitmentValues(current), ...values });
    $("commitment-form-title").textContent = fmt(T.editingCommitment, { title: current.title });
    $("commitment-cancel").hidden = false;
    renderCommitmentNotice();
    refreshAll();
  }

  function renderCommitmentNotice() {
    const notice = $("commitment-notice");
    const incoming = commitmentEditor?.incoming;
    if (!incoming) {
      notice.hidden = true;
      notice.replaceChildren();
      return;
    }
    notice.replaceChildren(
      el("p", { text: fmt(T.changedBy, { name: commitmentEditor.by }) }),
      el("p", { class: "notice__theirs", text: fmt(T.theirVersion, { text: incoming.title }) }),
      button("commitment-reload", T.reload),
      " ",
      button("commitment-keep-mine", T.keepMine),
    );
    notice.hidden = false;
    notice.setAttribute("role", "alert");
  }

  function submitCommitment(version) {
    const values = formValues();
    if (commitmentEditor) {
      send("commitment:update", { commitment: commitmentEditor.id, version, ...values });
    } else {
      send("commitment:create", values);
    }
    resetCommitmentForm();
  }

  let sourceSignature = "";

  function renderSourceCards(force = false) {
    const list = $("commitment-sources");
    const cards = [...state.cards.values()]
      .filter((card) => visible(card) && !card.merged_into)
      .sort((a, b) => a.id - b.id);
    const signature = cards.map((card) => `${card.id}:${card.version}`).join(",");
    if (!force && signature === sourceSignature) return;
    sourceSignature = signature;
    const checked = new Set([...list.querySelectorAll("input:checked")].map((box) => Number(box.value)));
    list.replaceChildren(...cards.map((card) => el("li", {}, [
      el("input", {
        type: "checkbox", name: "source_cards", value: card.id, id: `source-card-${card.id}`, checked: checked.has(card.id),
      }),
      " ",
      el("label", { for: `source-card-${card.id}`, text: `#${card.id} ${short(card.text)}` }),
    ])));
    if (!cards.length) list.append(el("li", { class: "hint", text: T.noSourceCards }));
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

  function renderTimer() {
    const node = $("board-timer");
    const ends = state.board.timer_ends_at;
    if (!ends) {
      node.textContent = T.noTimer;
      return;
    }
    const left = Math.max(Date.parse(ends) - (Date.now() + state.clockOffset), 0);
    const seconds = Math.ceil(left / 1000);
    node.textContent = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
    if (seconds === 0 && timerAnnounced !== ends) {
      timerAnnounced = ends;
      speaker.now(T.timeUp);
    }
  }

  // --- what the person does, as far as the view is concerned ---------------------------

  function cardTitle(card) {
    return `${fmt(T.cardLabel, { id: card.id })}: ${short(card.text)}`;
  }

  /** The move dialog: the card's theme (a facilitator's move takes it out of its
   * cluster; a participant's is an update of their own card). */
  function moveCard(id, trigger) {
    const card = state.cards.get(id);
    if (!card) return;
    const dialog = $("move-dialog");
    $("move-dialog-card").textContent = cardTitle(card);
    $("move-theme").value = String(card.theme);
    openDialog(dialog, trigger, {
      onConfirm(form) {
        const theme = Number(form.elements.namedItem("theme").value);
        const now = state.cards.get(id);
        if (!now || theme === now.theme) return;
        if (allowed("card:move")) {
          send("card:move", { card: id, version: now.version, theme, ...(now.cluster ? { cluster: null } : {}) });
        } else {
          send("card:update", { card: id, version: now.version, theme });
        }
      },
      fallback: () => cardNodes.get(id)?.querySelector(".card__body"),
    });
  }

  function deleteCard(id, trigger) {
    const card = state.cards.get(id);
    if (!card) return;
    $("delete-dialog-card").textContent = cardTitle(card);
    openDialog($("delete-dialog"), trigger, {
      onConfirm() {
        const now = state.cards.get(id);
        if (now) send("card:delete", { card: id, version: now.version });
      },
      fallback: () => $("board-columns"),
    });
  }

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

  function saveCard(id) {
    saveEdit(id, editors.get(id)?.baseVersion);
  }

  function togglePick(id) {
    if (picked.has(id)) picked.delete(id);
    else picked.add(id);
    refreshAll();
  }

  function clusterHere(id) {
    const target = state.cards.get(id);
    const head = target?.cluster || id;
    for (const cardId of picked) {
      const card = state.cards.get(cardId);
      if (card && cardId !== head) send("card:move", { card: cardId, version: card.version, cluster: head });
    }
    picked.clear();
    refreshAll();
    speaker.now(fmt(T.cluster, { id: head }));
  }

  function mergeHere(id) {
    const cards = [...picked].filter((cardId) => cardId !== id && state.cards.has(cardId));
    if (cards.length) send("card:merge", { cards, into: id });
    picked.clear();
    refreshAll();
  }

  function submitCommitmentForm() {
    submitCommitment(commitmentEditor?.baseVersion);
  }

  function reloadCommitment() {
    const incoming = commitmentEditor?.incoming;
    if (!incoming) return;
    const theirs = state.commitments.get(incoming.id) || incoming;
    Object.assign(commitmentEditor, { baseVersion: theirs.version, base: theirs, incoming: null });
    fillForm(commitmentValues(theirs));
    renderCommitmentNotice();
    field("title").focus();
  }

  function keepMyCommitment() {
    const incoming = commitmentEditor?.incoming;
    if (!incoming || !commitmentForm.reportValidity()) return;
    submitCommitment(Math.max(incoming.version, state.commitments.get(incoming.id)?.version || 0));
  }

  return {
    apply,
    acknowledged,
    moveCard,
    deleteCard,
    removePerson,
    loadSnapshot,
    showAlert,
    announce,
    showRefusal,
    refreshCard,
    refreshAll,
    scheduleLayout,
    setVotesLeft,
    addComment,
    renderPresence,
    renderTimer,
    startEdit,
    saveCard,
    cancelEdit,
    reloadEdit,
    keepMine,
    togglePick,
    clusterHere,
    mergeHere,
    editCommitment,
    resetCommitmentForm,
    submitCommitmentForm,
    reloadCommitment,
    keepMyCommitment,
  };
}
