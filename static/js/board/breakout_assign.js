/* The facilitator's breakout groups "by hand" (breakout.js): one row per participant
 * on the board (from the presence list; facilitators left out), each with a select of
 * the groups 1..N following the number-of-groups input. Rows are kept (not rebuilt)
 * as people come and go, so a select being used keeps its focus and its choice; a
 * person not chosen for yet is dealt round the groups in the order of the list. */

import { el } from "./dom.js";
import { fmt } from "./text.js";

const MIN_GROUPS = 2;
const MAX_GROUPS = 20;

/** `form`: the split form; `strings`: the `breakout` strings. Returns {showPeople,
 * assignment}. */
export function createAssignment(form, strings) {
  const list = document.getElementById("breakout-assign");
  const nobody = document.getElementById("breakout-nobody");
  const rows = new Map(); // person id -> its <li>
  const chosen = new Map(); // person id -> the group the facilitator picked
  let people = [];

  function groupCount() {
    const value = Math.trunc(Number(form.elements.namedItem("groups").value));
    if (!Number.isFinite(value)) return MIN_GROUPS;
    return Math.min(Math.max(value, MIN_GROUPS), MAX_GROUPS);
  }

  function row(person) {
    const id = `breakout-person-${person.id}`;
    const select = el("select", { id, "data-person": person.id });
    select.addEventListener("change", () => chosen.set(person.id, Number(select.value)));
    const name = person.organisation ? `${person.name} · ${person.organisation}` : person.name;
    return el("li", {}, [el("label", { for: id, text: name }), select]);
  }

  function fill(select, count, group) {
    if (select.options.length !== count) {
      select.replaceChildren(
        ...Array.from({ length: count }, (_, index) =>
          el("option", { value: index + 1, text: fmt(strings.group, { num: index + 1 }) })),
      );
    }
    select.value = String(group);
  }

  function render() {
    const count = groupCount();
    const nodes = people.map((person, index) => {
      const item = rows.get(person.id) || row(person);
      rows.set(person.id, item);
      const group = Math.min(chosen.get(person.id) ?? (index % count) + 1, count);
      fill(item.querySelector("select"), count, group);
      return item;
    });
    for (const id of [...rows.keys()]) if (!people.some((person) => person.id === id)) rows.delete(id);
    nodes.forEach((node, index) => {
      if (list.children[index] !== node) list.insertBefore(node, list.children[index] || null);
    });
    while (list.children.length > nodes.length) list.lastElementChild.remove();
    nobody.hidden = nodes.length > 0;
  }

  /** Who is on the board now (the presence list). */
  function showPeople(present) {
    people = present.filter((person) => person.role !== "facilitator");
    render();
  }

  /** `{"<person id>": group}` as the selects show it. */
  function assignment() {
    return Object.fromEntries(
      [...list.querySelectorAll("select")].map((select) => [select.dataset.person, Number(select.value)]),
    );
  }

  form.elements.namedItem("groups").addEventListener("input", render);
  return { showPeople, assignment };
}
