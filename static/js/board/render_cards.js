/* The board's cards: each card's note (its kind, author, text, votes, comments and
 * the buttons this person may use now), the placeholder of a card still waiting to be
 * sent, editing a card without ever losing what the person typed (a "changed by" notice
 * offers Reload or Keep mine), and the card dialogs (move, delete) and picking for a
 * cluster or a merge. `createCards(view)` is called once by render.js with the view's
 * shared parts; it returns the functions render.js and main.js use. */

import { openDialog } from "./dialogs.js";
import { button, el, focusable } from "./dom.js";
import { fmt, short } from "./text.js";

const MAX_DOTS = 20;

export function createCards(view) {
  const { T, ME, state, outbox, allowed, send, $, speaker, cardNodes, clusterLists, placeholders, editors, picked } = view;
  const showAlert = (message) => view.showAlert(message);
  const refreshAll = () => view.refreshAll();

  /** The text of this person's change to a card that still waits to be acknowledged. */
  function waitingText(cardId) {
    const entries = outbox.entries;
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const { event, payload } = entries[i];
      if (event === "card:update" && payload.card === cardId && payload.text) return payload.text;
    }
    return null;
  }

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
        // What a finger drags the card by (drag.js); the Move button says the same.
        el("span", { class: "card__grip", "aria-hidden": "true", title: fmt(T.dragCard, { id }) }),
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
        button("draft-from", T.draftFrom, { "data-card": id, class: "primary", hidden: true }),
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
    node.dataset.kind = card.kind;
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
    const shown = view.FACILITATOR || state.board.votes_revealed;
    node.querySelector(".card__dots").textContent = shown ? "●".repeat(Math.min(total, MAX_DOTS)) : "";
    node.querySelector(".card__vote-count").textContent = shown ? fmt(T.votes, { num: total }) : "";
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

  function placeholderNode(entry) {
    let node = placeholders.get(entry.cid);
    if (!node) {
      node = el("li", { class: "card card--waiting", "data-cid": entry.cid, "data-kind": entry.payload.kind }, [
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

  return {
    cardNode,
    refreshCard,
    placeholderNode,
    waitingText,
    guardCard,
    cardConflict,
    startEdit,
    saveCard,
    cancelEdit,
    reloadEdit,
    keepMine,
    moveCard,
    deleteCard,
    togglePick,
    clusterHere,
    mergeHere,
  };
}
