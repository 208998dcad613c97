/* Who may send which change now, pure: the server's own tables
 * (workshops/board/rules.py, rendered into the page as JSON) read by the same steps as
 * its `authorise`. The page shows only the controls that can work; the server decides. */

/** The tables of the page's `board-rules` JSON, as sets. */
export function readRules(json) {
  return {
    phases: [...json.phases],
    closed: json.closed,
    closedEvents: new Set(json.closed_events),
    facilitatorOnly: new Set(json.facilitator_only),
    ownCardEvents: new Set(json.own_card_events),
    participantPhases: new Map(
      Object.entries(json.participant_phases).map(([event, phases]) => [event, new Set(phases)]),
    ),
    facilitatorPhases: new Map(
      Object.entries(json.facilitator_phases ?? {}).map(([event, phases]) => [event, new Set(phases)]),
    ),
    commitmentSigners: new Map(
      Object.entries(json.commitment_signers).map(([status, standings]) => [status, new Set(standings)]),
    ),
  };
}

/** A person's standing towards a commitment, named as commitments/lifecycle.py
 * `Standing` names it. `viewer`: {official, staff, organisation}. */
export function standingOf(viewer, commitment) {
  if (viewer.official) return "official";
  if (viewer.staff) return "facilitator";
  if (viewer.organisation === commitment.lead?.id) return "lead";
  if ((commitment.co_signers ?? []).some((o) => o.id === viewer.organisation)) return "co-signer";
  return "other";
}

/** Does a commitment in `status` take the signature of a person of `standing`? */
export function takesSignature(rules, standing, status) {
  return rules.commitmentSigners.get(status)?.has(standing) ?? false;
}

/** May a facilitator (or a participant) send `event` to a board in `{phase, locked}`?
 * `owns`: the card concerned is theirs (own-card events only). */
export function permits(rules, facilitator, board, event, owns = true) {
  if (rules.facilitatorOnly.has(event) && !facilitator) return false;
  if (board.phase === rules.closed && !rules.closedEvents.has(event)) return false;
  const phases = rules.facilitatorPhases.get(event);
  if (phases && !phases.has(board.phase)) return false;
  if (facilitator) return true;
  if (board.locked) return false;
  if (!rules.participantPhases.get(event)?.has(board.phase)) return false;
  return !(rules.ownCardEvents.has(event) && !owns);
}
