/* Suggested groups (`cluster:suggest`), pure: which requests the page may make, what
 * is left of a suggested group as the board changes, and the ordinary `card:move`
 * changes that accept one. The panel itself is suggestions.js. */

/** May the page ask for `request` in this board state? The server's `requests`
 * table (workshops/board/rules.py `client_rules`): the facilitator's, in its phases. */
export function mayRequest(rulesJson, facilitator, board, request) {
  if (!facilitator) return false;
  return (rulesJson.requests?.[request] ?? []).includes(board.phase);
}

/** A card still shown on the wall (not deleted, hidden or merged)? */
function shown(card) {
  return Boolean(card) && !card.deleted && !card.hidden && !card.merged_into;
}

/** The ids of a suggested group whose cards are still shown, in its order. */
export function liveCards(ids, cards) {
  return ids.filter((id) => shown(cards.get(id)));
}

/** The card the group clusters under: the head of a cluster one of the ticked cards
 * is in already (the first such), else the first ticked card. */
export function headOf(ids, cards) {
  for (const id of ids) {
    const cluster = cards.get(id)?.cluster;
    if (cluster) return cluster;
  }
  return ids[0];
}

/** The `card:move` payloads that cluster the ticked cards `ids` together: every card
 * not already the head or in its cluster moves into it, at its current version.
 * Fewer than two shown cards: nothing to do. */
export function acceptMoves(ids, cards) {
  const live = liveCards(ids, cards);
  if (live.length < 2) return { head: null, moves: [] };
  const head = headOf(live, cards);
  const moves = live
    .filter((id) => id !== head && cards.get(id).cluster !== head)
    .map((id) => ({ card: id, version: cards.get(id).version, cluster: head }));
  return { head, moves };
}
