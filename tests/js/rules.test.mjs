// The page's reading of the server's rules tables (static/js/board/rules.js). The
// tables here are the shape of the page's `board-rules` JSON (workshops/board/rules.py
// `client_rules`), reduced to what each test needs.
import assert from "node:assert/strict";
import { test } from "node:test";

import { permits, readRules, standingOf, takesSignature } from "../../static/js/board/rules.js";

const RULES_JSON = {
  phases: ["lobby", "ideas", "vote", "closed"],
  closed: "closed",
  closed_events: ["board:phase"],
  facilitator_only: ["board:phase", "card:hide"],
  own_card_events: ["card:update"],
  participant_phases: { "card:create": ["ideas"], "card:update": ["ideas"], "vote:cast": ["vote"] },
  commitment_signers: {},
};
const RULES = readRules(RULES_JSON);
const ideas = { phase: "ideas", locked: false };

test("a participant may send an event only in its phases", () => {
  assert.equal(permits(RULES, false, ideas, "card:create"), true);
  assert.equal(permits(RULES, false, ideas, "vote:cast"), false);
  assert.equal(permits(RULES, false, { phase: "vote", locked: false }, "vote:cast"), true);
  assert.equal(permits(RULES, false, ideas, "unknown:event"), false);
});

test("facilitator-only events, a lock and someone else's card stop a participant", () => {
  assert.equal(permits(RULES, false, ideas, "card:hide"), false);
  assert.equal(permits(RULES, false, { phase: "ideas", locked: true }, "card:create"), false);
  assert.equal(permits(RULES, false, ideas, "card:update", false), false);
  assert.equal(permits(RULES, false, ideas, "card:update", true), true);
});

test("a facilitator is bound by neither phase nor lock, but a closed board only reopens", () => {
  assert.equal(permits(RULES, true, { phase: "lobby", locked: true }, "vote:cast"), true);
  assert.equal(permits(RULES, true, ideas, "card:update", false), true);
  assert.equal(permits(RULES, true, { phase: "closed", locked: false }, "card:hide"), false);
  assert.equal(permits(RULES, true, { phase: "closed", locked: false }, "board:phase"), true);
  assert.equal(permits(RULES, false, { phase: "closed", locked: false }, "board:phase"), false);
});

test("the vote settings and the reveal belong to their phases, even for a facilitator", () => {
  const rules = readRules({
    ...RULES_JSON,
    facilitator_only: [...RULES_JSON.facilitator_only, "vote:settings", "vote:reveal"],
    facilitator_phases: { "vote:settings": ["lobby", "ideas", "vote"], "vote:reveal": ["vote"] },
  });
  assert.equal(permits(rules, true, ideas, "vote:settings"), true);
  assert.equal(permits(rules, true, ideas, "vote:reveal"), false);
  assert.equal(permits(rules, true, { phase: "vote", locked: true }, "vote:reveal"), true);
  assert.equal(permits(rules, false, { phase: "vote", locked: false }, "vote:reveal"), false);
});

test("a facilitator starts a breakout only in the phases the server names", () => {
  const rules = readRules({
    ...RULES_JSON,
    facilitator_only: ["breakout:start"],
    facilitator_phases: { "breakout:start": ["ideas"] },
  });
  assert.equal(permits(rules, true, ideas, "breakout:start"), true);
  assert.equal(permits(rules, true, { phase: "lobby", locked: true }, "breakout:start"), false);
  assert.equal(permits(rules, false, ideas, "breakout:start"), false);
});

test("a commitment takes a signature by its status and the signer's standing", () => {
  const rules = readRules({
    ...RULES_JSON,
    commitment_signers: { draft: ["official", "lead", "co-signer", "other"], agreed: ["official", "lead", "co-signer"], done: [] },
  });
  const commitment = { status: "agreed", lead: { id: 7 }, co_signers: [{ id: 8 }] };
  const standing = (viewer) => standingOf(viewer, commitment);
  assert.equal(standing({ official: true, staff: true, organisation: null }), "official");
  assert.equal(standing({ official: false, staff: true, organisation: null }), "facilitator");
  assert.equal(standing({ official: false, staff: false, organisation: 7 }), "lead");
  assert.equal(standing({ official: false, staff: false, organisation: 8 }), "co-signer");
  assert.equal(standing({ official: false, staff: false, organisation: 9 }), "other");
  assert.equal(takesSignature(rules, "other", "draft"), true);
  assert.equal(takesSignature(rules, "other", "agreed"), false);
  assert.equal(takesSignature(rules, "co-signer", "agreed"), true);
  assert.equal(takesSignature(rules, "facilitator", "draft"), false);
  assert.equal(takesSignature(rules, "lead", "done"), false);
  assert.equal(takesSignature(rules, "lead", "unknown"), false);
});
