/* The spotlight: what the facilitator focuses everyone on (a card, a cluster or a
 * commitment) opens large on every page, in a modal dialog that takes focus, until the
 * facilitator releases it. Escape or Close dismisses it for this viewer only (nothing
 * is sent); the next spotlight opens again. The facilitator picks the target in the
 * toolbar (docs/protocol.md, `board:spotlight`).
 *
 * `createSpotlight(page)` is called once by main.js with {state, strings, facilitator,
 * send, votesShown}; nothing happens on import. User text only ever goes in as text. */

import { el } from "./dom.js";
import { fmt, short } from "./text.js";

/** A spotlight's key: `card:12`, or "" for none. Pure. */
export function spotlightKey(target) {
  return target ? `${target.type}:${target.id}` : "";
}

export function createSpotlight(page) {
  const { state, strings: T, facilitator: FACILITATOR, send } = page;
  const $ = (id) => document.getElementById(id);
  const dialog = $("spotlight-dialog");
  const body = $("spotlight-body");
  let dismissed = ""; // the key this viewer closed for themselves
  let shownKey = "";
  let returnFocus = null;

  function cardBlock(card) {
    const author = card.author ? [card.author.name, card.author.organisation].filter(Boolean).join(" · ") : "";
    const votes = page.votesShown() ? fmt(T.votes, { num: state.totals.get(card.id) || 0 }) : "";
    return el("article", { class: "spotlight__card" }, [
      el("p", { class: "spotlight__meta", text: [fmt(T.spotlightCard, { id: card.id }), T.kinds[card.kind] || card.kind, author].filter(Boolean).join(" · ") }),
      el("p", { class: "spotlight__text", text: card.text }),
      votes ? el("p", { class: "spotlight__votes", text: votes }) : "",
    ]);
  }

  function content(target) {
    if (target.type === "commitment") {
      const commitment = state.commitments.get(target.id);
      if (!commitment) return null;
      return [
        el("p", { class: "spotlight__text", text: fmt(T.spotlightCommitment, { title: commitment.title }) }),
        commitment.action ? el("p", { class: "spotlight__action", text: commitment.action }) : "",
      ];
    }
    const head = state.cards.get(target.id);
    if (!head || (head.hidden && !FACILITATOR)) return null;
    if (target.type === "card") return [cardBlock(head)];
    const members = [...state.cards.values()].filter((c) => c.cluster === head.id && (FACILITATOR || !c.hidden));
    return [
      el("p", { class: "spotlight__meta", text: fmt(T.spotlightCluster, { id: head.id }) }),
      cardBlock(head),
      el("ul", { class: "spotlight__members" }, members.map((card) => el("li", {}, [cardBlock(card)]))),
    ];
  }

  /** Show the board's spotlight (or close it); called after every applied change. */
  function render() {
    const target = state.board.spotlight || null;
    const key = spotlightKey(target);
    if (!key) {
      dismissed = "";
      close();
      return;
    }
    if (key === dismissed) return;
    const parts = content(target) || [el("p", { text: T.spotlightGone })];
    body.replaceChildren(...parts);
    if (!dialog.open) {
      returnFocus = document.activeElement;
      dialog.showModal();
      $("spotlight-title").focus();
    }
    shownKey = key;
  }

  function close() {
    shownKey = "";
    if (!dialog.open) return;
    dialog.close();
  }

  dialog.addEventListener("close", () => {
    // Closed by Escape or Close while a spotlight is on: this viewer's choice only.
    if (state.board.spotlight) dismissed = spotlightKey(state.board.spotlight);
    if (returnFocus?.isConnected) returnFocus.focus();
    returnFocus = null;
  });
  $("spotlight-close").addEventListener("click", () => dialog.close());
  $("spotlight-dialog-release")?.addEventListener("click", () => send("board:spotlight", { target: null }));

  // --- the facilitator's choice of target --------------------------------------------------

  const form = $("spotlight-form");
  const select = $("spotlight-target");

  function options() {
    const cards = [...state.cards.values()].filter((c) => !c.hidden && !c.merged_into).sort((a, b) => a.id - b.id);
    const heads = cards.filter((c) => !c.cluster && cards.some((m) => m.cluster === c.id));
    const commitments = [...state.commitments.values()].sort((a, b) => a.id - b.id);
    return [
      ...cards.map((c) => [`card:${c.id}`, `${fmt(T.spotlightCard, { id: c.id })}: ${short(c.text)}`]),
      ...heads.map((c) => [`cluster:${c.id}`, `${fmt(T.spotlightCluster, { id: c.id })}: ${short(c.text)}`]),
      ...commitments.map((c) => [`commitment:${c.id}`, fmt(T.spotlightCommitment, { title: short(c.title) })]),
    ];
  }

  function refreshChoices(force = false) {
    if (!select || (!force && document.activeElement === select)) return;
    const chosen = select.value;
    select.replaceChildren(...options().map(([value, label]) => el("option", { value, text: label })));
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
    $("spotlight-release").disabled = !state.board.spotlight;
  }

  if (form) {
    form.hidden = false;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      event.stopPropagation();
      if (event.submitter?.value === "release") {
        send("board:spotlight", { target: null });
        return;
      }
      const [type, id] = select.value.split(":");
      if (type && Number(id)) send("board:spotlight", { target: { type, id: Number(id) } });
    });
    select.addEventListener("focus", () => refreshChoices(true));
  }

  let queued = false;
  function apply() {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      render();
      refreshChoices();
    });
  }

  return { apply, render, shownKey: () => shownKey };
}
