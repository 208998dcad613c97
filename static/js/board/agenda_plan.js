/* The workshop agenda, pure: which step the board is on and which comes next, given
 * the agenda (the page's `board-agenda` JSON: [{phase, label, minutes}]), the board's
 * phase and the step the facilitator last moved to. A phase may come more than once,
 * in any order: the step last moved to wins while the board is in its phase. The
 * panel itself is agenda.js. */

/** The index of the current step, or -1 when the board's phase is not on the agenda.
 * `last`: the index the facilitator last moved to (-1 if none). */
export function currentStep(steps, phase, last) {
  if (steps[last]?.phase === phase) return last;
  const after = steps.findIndex((step, index) => index > last && step.phase === phase);
  if (after >= 0) return after;
  return steps.findIndex((step) => step.phase === phase);
}

/** The step after `current` (or after the last one moved to, when the board is
 * off the agenda): its index, or -1 past the end (then the board closes). */
export function nextStep(steps, current, last) {
  const index = (current >= 0 ? current : last) + 1;
  return index < steps.length ? index : -1;
}

/** The changes "Go to next" sends: the next step's phase and its minutes on the
 * timer; past the end, the board closes (a closed board takes no timer change). */
export function goToNext(steps, next) {
  if (next < 0) return [["board:phase", { phase: "closed" }]];
  const step = steps[next];
  return [["board:phase", { phase: step.phase }], ["board:timer", { seconds: step.minutes * 60 }]];
}
