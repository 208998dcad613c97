// The board's screen-reader announcements (static/js/board/announcer.js): others'
// changes wait for their burst, a big burst is said as one summary, own answers at once.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Announcer } from "../../static/js/board/announcer.js";

function announcer(limit = 3) {
  const said = [];
  const timers = [];
  const speaker = new Announcer({
    say: (text) => said.push(text),
    summary: (num, last) => `${num} changes, last: ${last}`,
    schedule: (fn) => timers.push(fn),
    limit,
  });
  const tick = () => timers.splice(0).forEach((fn) => fn());
  return { speaker, said, tick };
}

test("a few changes by others are each said, together after a moment", () => {
  const { speaker, said, tick } = announcer();
  speaker.add("New card from Ana");
  speaker.add("New card from Dan");
  assert.deepEqual(said, []);
  tick();
  assert.deepEqual(said, ["New card from Ana", "New card from Dan"]);
});

test("a burst of more changes than the limit is said as one summary", () => {
  const { speaker, said, tick } = announcer(3);
  for (const n of [1, 2, 3, 4, 5]) speaker.add(`card ${n}`);
  tick();
  assert.deepEqual(said, ["5 changes, last: card 5"]);
  speaker.add("card 6");
  tick();
  assert.deepEqual(said, ["5 changes, last: card 5", "card 6"]);
});

test("what must be heard now is said at once, after what was waiting", () => {
  const { speaker, said } = announcer();
  speaker.add("New card from Ana");
  speaker.now("Voting");
  assert.deepEqual(said, ["New card from Ana", "Voting"]);
});

test("empty messages are not said", () => {
  const { speaker, said, tick } = announcer();
  speaker.add("");
  speaker.now("");
  tick();
  assert.deepEqual(said, []);
});
