import assert from "node:assert/strict";
import { test } from "node:test";

import { currentStep, goToNext, nextStep } from "../../static/js/board/agenda_plan.js";

const steps = [
  { phase: "lobby", minutes: 10 },
  { phase: "ideas", minutes: 25 },
  { phase: "vote", minutes: 15 },
  { phase: "draft", minutes: 35 },
  { phase: "vote", minutes: 10 },
];

test("the current step is the one of the board's phase, the last moved to first", () => {
  assert.equal(currentStep(steps, "lobby", -1), 0);
  assert.equal(currentStep(steps, "vote", 1), 2);
  // The second vote, once the facilitator moved to it.
  assert.equal(currentStep(steps, "vote", 4), 4);
  assert.equal(currentStep(steps, "vote", 3), 4);
  assert.equal(currentStep(steps, "sign", 2), -1);
});

test("next follows the agenda's order, whatever the phases' usual order", () => {
  assert.equal(nextStep(steps, 2, 2), 3); // vote, then draft
  assert.equal(nextStep(steps, 4, 4), -1); // the end
  assert.equal(nextStep(steps, -1, 1), 2); // off the agenda: after the last moved to
});

test("going to next sends the phase and the step's minutes on the timer", () => {
  assert.deepEqual(goToNext(steps, 3), [
    ["board:phase", { phase: "draft" }],
    ["board:timer", { seconds: 2100 }],
  ]);
  assert.deepEqual(goToNext(steps, -1), [["board:phase", { phase: "closed" }]]);
});
