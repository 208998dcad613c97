/* What the board says to screen readers, pure: messages go to the page's polite live
 * region through `say`. Changes by other people arrive in bursts (a facilitator
 * merging ten cards, a room voting at once): they wait a moment together, and a burst
 * of more than a few is said as one summary instead of a flood. `now` is for what the
 * person must hear at once (a phase change, the answer to their own action). */

export const BURST_MS = 800;
export const BURST_LIMIT = 3;

export class Announcer {
  /** `say(text)` speaks; `summary(num)` words a burst of `num` changes;
   * `schedule(fn, ms)` is setTimeout (a fake one in tests). */
  constructor({ say, summary, schedule = (fn, ms) => setTimeout(fn, ms), waitMs = BURST_MS, limit = BURST_LIMIT }) {
    this.say = say;
    this.summary = summary;
    this.schedule = schedule;
    this.waitMs = waitMs;
    this.limit = limit;
    this.waiting = [];
    this.timer = null;
  }

  /** A change by someone else: said with the others of its burst. */
  add(message) {
    if (!message) return;
    this.waiting.push(message);
    if (this.timer === null) this.timer = this.schedule(() => this.flush(), this.waitMs);
  }

  /** Said at once, after what was waiting (so the order stays the order of events). */
  now(message) {
    this.flush();
    if (message) this.say(message);
  }

  flush() {
    this.timer = null;
    const burst = this.waiting;
    this.waiting = [];
    if (burst.length > this.limit) this.say(this.summary(burst.length, burst[burst.length - 1]));
    else for (const message of burst) this.say(message);
  }
}
