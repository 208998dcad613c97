/* The board's sequencer: applies the server's events strictly in `seq` order.
 *
 * Pure: no DOM, no socket, no timers. The caller hands it every `event` it receives
 * (live, in a batch `events` list, or in a join's answer) and applies what comes back
 * in `ready`, in that order. An event older than or equal to the last applied seq is a
 * duplicate and dropped; one that arrives early waits in a buffer until the events
 * before it are in. While anything waits, `gap` names the `since` to join again with
 * (the caller decides how long to wait before it does). Before the first join the
 * snapshot comes first: events wait until `reset(seq)`. */

export class Sequencer {
  #board;
  #last;
  #buffer = new Map(); // seq -> {message, live}

  /** `board`: only events of this board are taken; `seq`: the last applied one (null
   * until the first snapshot). */
  constructor({ board, seq = null }) {
    this.#board = board;
    this.#last = seq;
  }

  /** The seq of the last applied event, or null before the first snapshot. */
  get last() {
    return this.#last;
  }

  /** How many events wait for the ones before them. */
  get waiting() {
    return this.#buffer.size;
  }

  /** null, or {since}: events are missing and a join with `since` fetches them. */
  get gap() {
    if (this.#last === null || this.#buffer.size === 0) return null;
    return { since: this.#last };
  }

  /** One event; `live` is kept with it (false for events a join answered with). */
  receive(message, live = true) {
    this.#hold(message, live);
    return this.#drain();
  }

  /** A batch (`events`, or a join's `events`), in any order. */
  receiveAll(messages, live = true) {
    for (const message of Array.isArray(messages) ? messages : []) this.#hold(message, live);
    return this.#drain();
  }

  /** A snapshot taken at `seq` replaces everything before it. */
  reset(seq) {
    this.#last = seq;
    return this.#drain();
  }

  #hold(message, live) {
    if (!message || message.board !== this.#board || !Number.isInteger(message.seq)) return;
    if (this.#last !== null && message.seq <= this.#last) return;
    if (!this.#buffer.has(message.seq)) this.#buffer.set(message.seq, { message, live });
  }

  #drain() {
    const ready = [];
    if (this.#last !== null) {
      for (const seq of this.#buffer.keys()) if (seq <= this.#last) this.#buffer.delete(seq);
      while (this.#buffer.has(this.#last + 1)) {
        const next = this.#last + 1;
        ready.push(this.#buffer.get(next));
        this.#buffer.delete(next);
        this.#last = next;
      }
    }
    return { ready, gap: this.gap };
  }
}
