/* The workshop agenda on the board: everyone sees the planned steps with the current
 * one marked; the facilitator also sees the current step with the time left on the
 * board's timer, what comes next, and "Go to next", which sends the ordinary
 * `board:phase` and `board:timer` changes through the page's outbox. The panel
 * follows the board's phase through the root's `data-phase`; the step last moved to
 * is remembered for the tab (sessionStorage), as a phase may come more than once. */

import { currentStep, goToNext, nextStep } from "./agenda_plan.js";
import { fmt } from "./text.js";

/** Wire the panel, if the workshop has an agenda. `page`: {root, board (id),
 * facilitator, send, strings, say}. */
export function startAgenda(page) {
  const panel = document.getElementById("board-agenda");
  if (!panel) return;
  const { root, board, facilitator, send, strings: T } = page;
  const steps = JSON.parse(document.getElementById("board-agenda-steps").textContent);
  const items = [...panel.querySelectorAll("#agenda-list > li")];
  const key = `greenpact:board:${board}:agenda-step`;
  let last = Number(sessionStorage.getItem(key) ?? -1);

  const $ = (id) => document.getElementById(id);

  function remember(index) {
    last = index;
    sessionStorage.setItem(key, String(index));
  }

  function refresh() {
    const current = currentStep(steps, root.dataset.phase, last);
    if (current >= 0 && current !== last) remember(current);
    items.forEach((item, index) => {
      if (index === current) item.setAttribute("aria-current", "step");
      else item.removeAttribute("aria-current");
    });
    if (!facilitator) return;
    const next = nextStep(steps, current, last);
    $("agenda-current").textContent = current >= 0 ? steps[current].label : T.offAgenda;
    $("agenda-next").textContent = next >= 0
      ? fmt(T.next, { step: steps[next].label, minutes: steps[next].duration })
      : T.nextClose;
  }

  function showTimeLeft() {
    if (facilitator) $("agenda-left").textContent = $("board-timer").textContent;
  }

  if (facilitator) {
    $("agenda-go").addEventListener("click", () => {
      const current = currentStep(steps, root.dataset.phase, last);
      const next = nextStep(steps, current, last);
      if (next >= 0) remember(next);
      for (const [event, payload] of goToNext(steps, next)) send(event, payload);
      page.say?.(next >= 0 ? fmt(T.moved, { step: steps[next].label }) : T.closing);
    });
    setInterval(showTimeLeft, 1000);
  }
  new MutationObserver(refresh).observe(root, { attributes: true, attributeFilter: ["data-phase"] });
  refresh();
  showTimeLeft();
}
