/* Drag and drop on the wall, for whoever may move cards (the facilitator): a card
 * dropped on another card joins that card's cluster; dropped on a column (its heading,
 * its empty space or its list), it moves to that theme and out of its cluster. Both
 * are ordinary `card:move` changes; the card's "Move" dialog and the "Pick" / "Cluster
 * picked cards here" buttons stay the keyboard's way to do the same.
 *
 * A mouse drags the card's body (HTML5 drag and drop). A finger or a pen drags the
 * card by its grip (Pointer Events): the grip takes no part in scrolling
 * (`touch-action: none`), so a touch anywhere else on the card still taps or scrolls
 * the column as before, and a drag starts only once the finger has moved a few pixels
 * from where it touched the grip. Near the top or bottom of the window the page
 * scrolls, for a theme further down the phone's single column. Nothing here runs for
 * people who may not move cards. `enableDragging(view)` is called once by render.js;
 * `refresh()` marks which cards may be dragged now. */

// How far a finger moves on the grip before it drags (a tap or a wobble does not).
const START_AFTER_PX = 8;
// Within this distance of the window's top or bottom edge a dragging finger scrolls.
const EDGE_PX = 48;
const SCROLL_STEP_PX = 12;
const SCROLL_EVERY_MS = 16;

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

  /** The card whose body `element` is in, when that card may be dragged now. */
  function draggable(element) {
    const body = element?.closest?.(".card__body");
    return body?.draggable && allowed("card:move") ? cardOf(body) : null;
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

  function begin(id) {
    dragged = id;
    cardNodes.get(id)?.classList.add("card--dragging");
  }

  /** Mark where the dragged card would land over `element`; that place, or null. */
  function hover(element) {
    const place = landing(element);
    mark(place?.node || null);
    return place;
  }

  function stop() {
    mark(null);
    cardNodes.get(dragged)?.classList.remove("card--dragging");
    dragged = null;
  }

  /** Drop the dragged card on `element`: whether that made a change. */
  function drop(element) {
    const place = landing(element);
    const card = state.cards.get(dragged);
    stop();
    if (!place || !card) return false;
    if (place.card !== undefined) clusterWith(card, state.cards.get(place.card));
    else moveTo(card, place.theme);
    return true;
  }

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

  // --- a mouse: HTML5 drag and drop --------------------------------------------------

  root.addEventListener("dragstart", (event) => {
    const id = draggable(event.target);
    if (id === null) return;
    begin(id);
    event.dataTransfer.setData("text/plain", String(id));
    event.dataTransfer.effectAllowed = "move";
  });

  root.addEventListener("dragover", (event) => {
    if (dragged === null || !hover(event.target)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
  });

  root.addEventListener("drop", (event) => {
    if (dragged !== null && drop(event.target)) event.preventDefault();
  });

  root.addEventListener("dragend", stop);

  // --- a finger or a pen: Pointer Events on the grip ------------------------------------

  let touch = null; // {pointer, card, x, y, moving}: a pointer down on a grip
  let scroller = null;

  const under = () => document.elementFromPoint(touch.x, touch.y);

  root.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" || touch || !event.target.closest?.(".card__grip")) return;
    const id = draggable(event.target);
    if (id === null) return;
    event.preventDefault(); // no text selection, no emulated mouse events
    event.target.setPointerCapture(event.pointerId);
    touch = { pointer: event.pointerId, card: id, x: event.clientX, y: event.clientY, moving: false };
  });

  root.addEventListener("pointermove", (event) => {
    if (event.pointerId !== touch?.pointer) return;
    const far = Math.hypot(event.clientX - touch.x, event.clientY - touch.y) >= START_AFTER_PX;
    if (!touch.moving && !far) return;
    if (!touch.moving) {
      touch.moving = true;
      begin(touch.card);
    }
    touch.x = event.clientX;
    touch.y = event.clientY;
    hover(under());
    scrollNearEdges();
  });

  root.addEventListener("pointerup", (event) => {
    if (event.pointerId !== touch?.pointer) return;
    if (touch.moving) drop(under());
    endTouch();
  });

  root.addEventListener("pointercancel", (event) => {
    if (event.pointerId !== touch?.pointer) return;
    if (touch.moving) stop();
    endTouch();
  });

  function endTouch() {
    touch = null;
    clearInterval(scroller);
    scroller = null;
  }

  /** While the finger rests near the window's top or bottom, scroll that way. */
  function scrollNearEdges() {
    const step = edgeStep();
    if (!step) {
      clearInterval(scroller);
      scroller = null;
    } else if (scroller === null) {
      scroller = setInterval(() => {
        const now = touch?.moving ? edgeStep() : 0;
        if (!now) return;
        window.scrollBy(0, now);
        hover(under());
      }, SCROLL_EVERY_MS);
    }
  }

  function edgeStep() {
    if (touch.y < EDGE_PX) return -SCROLL_STEP_PX;
    if (touch.y > window.innerHeight - EDGE_PX) return SCROLL_STEP_PX;
    return 0;
  }

  return { refresh };
}
