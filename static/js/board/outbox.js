/* The board's outbox: changes this person made that the server has not answered yet.
 *
 * Pure: no DOM, no socket, no storage of its own. Every change gets a fresh `cid` (from
 * the injected `newCid`) and waits here, in the order it was made, until the server
 * acknowledges it, successfully or not. `due()` hands out the changes not yet sent on
 * the current connection, each once; after `connectionLost()` every waiting change is
 * due again, with the same cid, which the server answers with its first result, so
 * nothing is applied twice. `save` (injected) is told the waiting list after every
 * change, for the page to keep it across reloads. */

export const SETTLED = "settled";
export const RETRY = "retry";
export const UNKNOWN = "unknown";

// Refused before anything was applied, and worth sending again later.
const RETRY_CODES = new Set(["rate_limited"]);

export class Outbox {
  #entries;
  #sent = new Set(); // cids sent on the current connection, answer pending
  #newCid;
  #save;

  constructor({ newCid, entries = [], save = () => {} }) {
    this.#newCid = newCid;
    this.#entries = validEntries(entries);
    this.#save = save;
  }

  /** The waiting changes, oldest first: [{cid, event, payload}]. */
  get entries() {
    return [...this.#entries];
  }

  get size() {
    return this.#entries.length;
  }

  /** Queue a change; it is due at once. */
  add(event, payload) {
    const entry = { cid: this.#newCid(), event, payload: { ...payload } };
    this.#entries.push(entry);
    this.#changed();
    return entry;
  }

  /** The changes to send now, oldest first; each is handed out once per connection. */
  due() {
    const due = this.#entries.filter((entry) => !this.#sent.has(entry.cid));
    for (const entry of due) this.#sent.add(entry.cid);
    return due;
  }

  /** The connection is gone: every waiting change is due again on the next one. */
  connectionLost() {
    this.#sent.clear();
  }

  /** No answer came (timeout, or not an ack object): due again. */
  unanswered(cid) {
    this.#sent.delete(cid);
  }

  /** The server's ack for `cid`: SETTLED (removed, ok or error), RETRY (refused before
   * anything was applied, e.g. rate_limited: due again) or UNKNOWN (not waiting). */
  acknowledge(cid, ack) {
    const index = this.#entries.findIndex((entry) => entry.cid === cid);
    if (index === -1) return UNKNOWN;
    this.#sent.delete(cid);
    if (!ack?.ok && RETRY_CODES.has(ack?.error?.code)) return RETRY;
    this.#entries.splice(index, 1);
    this.#changed();
    return SETTLED;
  }

  #changed() {
    this.#save(this.entries);
  }
}

/** The well-formed entries of a saved outbox (anything else is dropped). */
export function validEntries(saved) {
  if (!Array.isArray(saved)) return [];
  return saved.filter((entry) => entry && typeof entry.cid === "string"
    && typeof entry.event === "string" && entry.payload && typeof entry.payload === "object");
}
