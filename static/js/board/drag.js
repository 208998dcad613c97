/* Drag and drop on the wall, for whoever may move cards (the facilitator): a card
 * dropped on another card joins that card's cluster; dropped on a column (its heading,
 * its empty space or its list), it moves to that theme and out of its cluster. Both
 * are ordinary `card:move` changes; the card's "Move" dialog and the "Pick" / "Cluster
 * picked cards here" buttons stay the keyboard's way to do the same. HTML5 drag events
 * (mouse and touch-emulating browsers); nothing here runs for people who may not move
 * cards. `enableDragging(view)` is called once by render.js; `refresh()` marks which
 * cards may be dragged now. */

export function enableDragging(view) {
  const { root, state, allowed, send, cardNodes } = view;
  let dragged = null; // the id of the card being dragged
  let over = null; // the element marked as where it would land

  function refresh() {
    const may = allowed("card:move");
    root.classList.toggle("board--dragging-allowed", may);
    for (const [id, node] of cardNodes) {
      const card = state.cards.get(id);
      const body = node.querySelector(":scope > .card__body");
      if (body) body.draggable = Boolean(may && card && !card.merged_into);
    }
  }

  function cardOf(element) {
    const node = element?.closest?.("li.card[data-card]");
    return node ? Number(node.dataset.card) : null;
  }

  /** Where a drop on `element` would put the dragged card: {card} or {theme}. */
  function landing(element) {
    const target = cardOf(element);
    if (target !== null && target !== dragged && state.cards.has(target)) {
      return { card: target, node: cardNodes.get(target)?.querySelector(":scope > .card__body") };
    }
    const column = element?.closest?.(".board-column[data-theme]");
    if (column && target === null) return { theme: Number(column.dataset.theme), node: column };
    return null;
  }

  function mark(node) {
    if (over === node) return;
    over?.classList.remove("drop-target");
    over = node;
    over?.classList.add("drop-target");
  }

  function stop() {
    mark(null);
    cardNodes.get(dragged)?.classList.remove("card--dragging");
    dragged = null;
  }

  root.addEventListener("dragstart", (event) => {
    const body = event.target?.closest?.(".card__body");
    if (!body?.draggable || !allowed("card:move")) return;
    dragged = cardOf(body);
    event.dataTransfer.setData("text/plain", String(dragged));
    event.dataTransfer.effectAllowed = "move";
    cardNodes.get(dragged)?.classList.add("card--dragging");
  });

  root.addEventListener("dragover", (event) => {
    if (dragged === null) return;
    const place = landing(event.target);
    mark(place?.node || null);
    if (!place) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  });

  root.addEventListener("drop", (event) => {
    if (dragged === null) return;
    const place = landing(event.target);
    const card = state.cards.get(dragged);
    stop();
    if (!place || !card) return;
    event.preventDefault();
    if (place.card !== undefined) clusterWith(card, state.cards.get(place.card));
    else moveTo(card, place.theme);
  });

  root.addEventListener("dragend", stop);

  function clusterWith(card, target) {
    const head = target.cluster || target.id;
    if (head === card.id || card.cluster === head) return;
    const theme = state.cards.get(head)?.theme;
    const change = { card: card.id, version: card.version, cluster: head };
    if (theme !== undefined && theme !== card.theme) change.theme = theme;
    send("card:move", change);
  }

  function moveTo(card, theme) {
    if (theme === card.theme && !card.cluster) return;
    const change = { card: card.id, version: card.version };
    if (theme !== card.theme) change.theme = theme;
    if (card.cluster) change.cluster = null;
    send("card:move", change);
  }

  return { refresh };
}
