"""The board's rules as pure functions (no database, no socket): who may send which
event in which phase, on a locked board, on whose card; vote budgets; versions.
Exhaustively table-tested in tests/board/test_rules.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commitments.lifecycle import signers_by_status
from core.choices import BoardPhase
from core.errors import DomainError

PHASES = tuple(BoardPhase)
CLOSED = BoardPhase.CLOSED
# What a closed board still accepts (from a facilitator): reopening it.
CLOSED_EVENTS = frozenset({"board:phase"})
FACILITATOR = "facilitator"
PARTICIPANT = "participant"

FACILITATOR_ONLY = frozenset(
    {
        "board:phase",
        "board:lock",
        "board:timer",
        "card:hide",
        "card:merge",
        "participant:remove",
        "vote:settings",
        "vote:reveal",
        "board:spotlight",
        "breakout:start",
        "breakout:end",
    }
)
# Facilitator-only events that belong to part of the workshop: the phases in which
# the facilitator may send them (the others any phase but `closed`). The vote is
# set up before and during the vote phase, and revealed during it or after; groups
# are formed to write cards or draft commitments, and may be ended in any phase but
# `closed` (which refuses them anyway), so that no group's work is ever stuck.
FACILITATOR_PHASES: dict[str, frozenset[str]] = {
    "vote:settings": frozenset({"lobby", "ideas", "cluster", "draft", "vote"}),
    "vote:reveal": frozenset({"vote", "sign"}),
    "breakout:start": frozenset({"ideas", "draft"}),
    "breakout:end": frozenset(PHASES) - {CLOSED},
}
# The phases in which a participant may send each event (PROTOCOL.md, "Phases").
PARTICIPANT_PHASES: dict[str, frozenset[str]] = {
    "card:create": frozenset({"ideas"}),
    "card:update": frozenset({"ideas"}),
    "card:delete": frozenset({"ideas"}),
    # Moving and clustering is the facilitator's work (PROTOCOL.md: "cluster: …
    # facilitator moves"); a participant changes a card's theme with card:update.
    "card:move": frozenset(),
    "comment:add": frozenset({"ideas", "cluster", "draft"}),
    "vote:cast": frozenset({"vote"}),
    "vote:retract": frozenset({"vote"}),
    "commitment:create": frozenset({"draft"}),
    "commitment:update": frozenset({"draft"}),
    "commitment:sign": frozenset({"sign"}),
}
MUTATING_EVENTS = frozenset(PARTICIPANT_PHASES) | FACILITATOR_ONLY
# Events a participant may send only for what they wrote themselves.
OWN_CARD_EVENTS = frozenset({"card:update", "card:delete"})
# Read-only requests: answered to the sender alone, with no `cid` and no `seq`;
# facilitator only, in the phases named (the facilitator's lock does not apply).
REQUESTS: dict[str, frozenset[str]] = {
    "cluster:suggest": frozenset({"cluster"}),
}


class BoardError(DomainError):
    """A refused board change; `extra` is merged into the error object of the ack
    (`fields` for invalid, `current` for conflict)."""

    def __init__(self, code: str, message: str, **extra: Any) -> None:
        super().__init__(code, message)
        self.extra = extra

    def as_ack(self) -> dict[str, Any]:
        return {
            "ok": False,
            "error": {"code": self.code, "message": self.message, **self.extra},
        }


@dataclass(frozen=True)
class Actor:
    role: str  # FACILITATOR (staff of the pact) or PARTICIPANT
    removed: bool = False


@dataclass(frozen=True)
class BoardState:
    phase: str
    locked: bool


def authorise(event: str, actor: Actor, board: BoardState, owns: bool = True) -> None:
    """Raise BoardError unless `actor` may send `event` to `board` now. `owns` tells
    whether the card concerned was written by the actor (own-card events only)."""
    if actor.removed:
        raise BoardError("unauthorized", "you were removed from this board")
    if event not in MUTATING_EVENTS:
        raise BoardError("invalid", f"unknown event {event!r}")
    if event in FACILITATOR_ONLY and actor.role != FACILITATOR:
        raise BoardError("forbidden", "only the facilitator can do this")
    if board.phase == CLOSED and event not in CLOSED_EVENTS:
        raise BoardError("phase", "the board is closed")
    if board.phase not in FACILITATOR_PHASES.get(event, PHASES):
        raise BoardError("phase", f"not possible in the {board.phase} phase")
    if actor.role == FACILITATOR:
        return
    if board.locked:
        raise BoardError("locked", "the facilitator has locked the board")
    if board.phase not in PARTICIPANT_PHASES[event]:
        raise BoardError("phase", f"not possible in the {board.phase} phase")
    if event in OWN_CARD_EVENTS and not owns:
        raise BoardError("forbidden", "you can change only your own cards")


def authorise_request(event: str, actor: Actor, board: BoardState) -> None:
    """Raise BoardError unless `actor` may send the read-only request `event` now."""
    if actor.removed:
        raise BoardError("unauthorized", "you were removed from this board")
    if event not in REQUESTS:
        raise BoardError("invalid", f"unknown request {event!r}")
    if actor.role != FACILITATOR:
        raise BoardError("forbidden", "only the facilitator can do this")
    if board.phase not in REQUESTS[event]:
        raise BoardError("phase", f"not possible in the {board.phase} phase")


def client_rules() -> dict[str, Any]:
    """The tables above as JSON for the board's script (static/js/board/rules.js reads
    them with the steps of `authorise`), so that the page shows only the controls that
    can work now; the server still decides."""
    return {
        "phases": list(PHASES),
        "closed": CLOSED,
        "closed_events": sorted(CLOSED_EVENTS),
        "facilitator_only": sorted(FACILITATOR_ONLY),
        "own_card_events": sorted(OWN_CARD_EVENTS),
        "facilitator_phases": {
            event: [phase for phase in PHASES if phase in phases]
            for event, phases in FACILITATOR_PHASES.items()
        },
        # Who may sign a commitment in each status (commitments/lifecycle.py).
        "commitment_signers": signers_by_status(),
        "participant_phases": {
            event: [phase for phase in PHASES if phase in phases]
            for event, phases in PARTICIPANT_PHASES.items()
        },
        # The facilitator's read-only requests and the phases they work in.
        "requests": {
            event: [phase for phase in PHASES if phase in phases]
            for event, phases in REQUESTS.items()
        },
    }


def check_version(current: int, given: int, current_object: dict[str, Any]) -> None:
    """Optimistic concurrency: a change must name the version it was based on."""
    if current != given:
        raise BoardError(
            "conflict",
            "changed by someone else in the meantime",
            current=current_object,
        )


def check_vote_budget(used: int, budget: int) -> None:
    if used >= budget:
        raise BoardError("vote_budget", f"all {budget} votes are used")


def check_votes_per_card(on_card: int, per_card: int) -> None:
    if on_card >= per_card:
        raise BoardError(
            "vote_per_card", f"at most {per_card} of your votes on one card"
        )


def check_vote_settings(
    budget: int, per_card: int, most_used: int, most_on_a_card: int
) -> None:
    """New settings must leave every vote already cast valid: a budget below what
    someone used, or a limit per card below what someone put on one card, would
    break them (`conflict`; the facilitator lowers it once people retracted)."""
    if per_card > budget:
        raise BoardError(
            "invalid",
            "votes per card cannot exceed the budget",
            fields={"per_card": f"must be between 1 and {budget}"},
        )
    if budget < most_used or per_card < most_on_a_card:
        raise BoardError(
            "conflict",
            "someone has already cast more votes than these settings allow",
            current={"most_used": most_used, "most_on_a_card": most_on_a_card},
        )


def votes_left(used: int, budget: int) -> int:
    return max(budget - used, 0)


@dataclass
class TokenBucket:
    """A rate limit: `rate` events a second, bursts up to `burst`."""

    rate: float
    burst: float
    tokens: float
    updated: float

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
