"""The board's pure rules against PROTOCOL.md. The authorisation matrix is written out
here from the protocol's event table and phase table, independently of rules.py, and
compared cell by cell: every mutating event × actor (facilitator, participant, removed
participant) × phase × lock (× whose card, for the card edits). Then the rate
limiter, optimistic versions and vote budgets."""

from __future__ import annotations

import itertools
import json

import pytest

from core.choices import EVENT_BURST, EVENTS_PER_SECOND
from tests.board.protocol import BREAKOUT_EVENTS, PROTOCOL_EVENTS, PROTOCOL_REQUESTS
from workshops.board import rules
from workshops.board.rules import (
    Actor,
    BoardError,
    BoardState,
    TokenBucket,
    authorise,
    authorise_request,
    check_version,
    check_vote_budget,
    check_vote_settings,
    check_votes_per_card,
    votes_left,
)

# "The last nine are facilitator-only (`forbidden` for participants)", and so are the
# breakout events.
FACILITATOR_ONLY = frozenset(PROTOCOL_EVENTS[-9:] + BREAKOUT_EVENTS)
MUTATING = PROTOCOL_EVENTS + BREAKOUT_EVENTS
# PROTOCOL.md, "Phases": the phases in order and what participants may do in each.
PROTOCOL_PHASES = ("lobby", "ideas", "cluster", "draft", "vote", "sign", "closed")
PARTICIPANT_MAY: dict[str, frozenset[str]] = {
    "lobby": frozenset(),  # nothing but join/leave
    "ideas": frozenset({"card:create", "card:update", "card:delete", "comment:add"}),
    "cluster": frozenset({"comment:add"}),  # the facilitator moves, merges, hides
    "draft": frozenset({"commitment:create", "commitment:update", "comment:add"}),
    "vote": frozenset({"vote:cast", "vote:retract"}),
    "sign": frozenset({"commitment:sign"}),
    "closed": frozenset(),
}
# docs/protocol.md, "Phases" and "Breakout groups": the facilitator-only events that
# belong to part of the workshop ("vote:settings before and during the vote phase;
# vote:reveal during the vote phase or after it, in sign"; a breakout starts in ideas
# or draft and may end in any phase but closed).
FACILITATOR_MAY: dict[str, frozenset[str]] = {
    "vote:settings": frozenset({"lobby", "ideas", "cluster", "draft", "vote"}),
    "vote:reveal": frozenset({"vote", "sign"}),
    "breakout:start": frozenset({"ideas", "draft"}),
    "breakout:end": frozenset({"lobby", "ideas", "cluster", "draft", "vote", "sign"}),
}
# "Participants may update or delete only their own cards (facilitators any)."
OWN_CARDS_ONLY = frozenset({"card:update", "card:delete"})
# The events about one card, tried both on the actor's own card and on another's.
CARD_EDITS = frozenset({"card:update", "card:delete", "card:move"})

ACTORS = {
    "facilitator": Actor(rules.FACILITATOR),
    "participant": Actor(rules.PARTICIPANT),
    "removed participant": Actor(rules.PARTICIPANT, removed=True),
}


def protocol_outcome(
    event: str, actor: str, phase: str, locked: bool, owns: bool
) -> str | None:
    """What PROTOCOL.md says: None (allowed) or the error code."""
    if actor == "removed participant":
        return "unauthorized"
    if event in FACILITATOR_ONLY and actor != "facilitator":
        return "forbidden"
    if phase == "closed" and event != "board:phase":
        return "phase"  # read-only for all but board:phase
    if event in FACILITATOR_MAY and phase not in FACILITATOR_MAY[event]:
        return "phase"
    if actor == "facilitator":
        return None  # not limited by phase or lock
    if locked:
        return "locked"
    if event not in PARTICIPANT_MAY[phase]:
        return "phase"
    if event in OWN_CARDS_ONLY and not owns:
        return "forbidden"
    return None


def rules_outcome(
    event: str, actor: str, phase: str, locked: bool, owns: bool
) -> str | None:
    try:
        authorise(event, ACTORS[actor], BoardState(phase, locked), owns)
    except BoardError as exc:
        return exc.code
    return None


def matrix() -> list[tuple[str, str, str, bool, bool]]:
    cells = []
    for event, actor, phase, locked in itertools.product(
        MUTATING, ACTORS, PROTOCOL_PHASES, (False, True)
    ):
        for owns in (True, False) if event in CARD_EDITS else (True,):
            cells.append((event, actor, phase, locked, owns))
    return cells


def test_the_rules_know_exactly_the_protocols_events_and_phases():
    assert rules.MUTATING_EVENTS == frozenset(MUTATING)
    assert rules.FACILITATOR_ONLY == FACILITATOR_ONLY
    assert tuple(rules.PHASES) == PROTOCOL_PHASES


def test_every_event_actor_phase_lock_and_card_owner_gets_the_protocols_outcome():
    cells = matrix()
    assert len(cells) == 18 * 3 * 7 * 2 + 3 * 3 * 7 * 2 * 2
    wrong = [
        f"{event} by {actor} in {phase}{' (locked)' if locked else ''}"
        f"{'' if owns else ' on a card of someone else'}: "
        f"rules say {got!r}, PROTOCOL.md says {want!r}"
        for event, actor, phase, locked, owns in cells
        if (got := rules_outcome(event, actor, phase, locked, owns))
        != (want := protocol_outcome(event, actor, phase, locked, owns))
    ]
    assert not wrong, "\n".join(wrong)


# docs/protocol.md: `cluster:suggest` is the facilitator's, in the cluster phase only
# (whether or not the board is locked).
REQUEST_PHASES = {"cluster:suggest": frozenset({"cluster"})}


def protocol_request_outcome(
    event: str, actor: str, phase: str, locked: bool
) -> str | None:
    if actor == "removed participant":
        return "unauthorized"
    if actor != "facilitator":
        return "forbidden"
    return None if phase in REQUEST_PHASES[event] else "phase"


def test_every_request_actor_phase_and_lock_gets_the_protocols_outcome() -> None:
    assert set(rules.REQUESTS) == set(PROTOCOL_REQUESTS) == set(REQUEST_PHASES)
    cells = list(
        itertools.product(PROTOCOL_REQUESTS, ACTORS, PROTOCOL_PHASES, (False, True))
    )
    assert len(cells) == 1 * 3 * 7 * 2
    wrong = []
    for event, actor, phase, locked in cells:
        try:
            authorise_request(event, ACTORS[actor], BoardState(phase, locked))
            got = None
        except BoardError as exc:
            got = exc.code
        want = protocol_request_outcome(event, actor, phase, locked)
        if got != want:
            wrong.append(f"{event} by {actor} in {phase} ({locked=}): {got} != {want}")
    assert not wrong, "\n".join(wrong)


def test_a_request_is_no_change_and_a_change_no_request() -> None:
    assert not set(rules.REQUESTS) & rules.MUTATING_EVENTS
    with pytest.raises(BoardError) as refused:
        authorise_request(
            "card:create", ACTORS["facilitator"], BoardState("ideas", False)
        )
    assert refused.value.code == "invalid"
    with pytest.raises(BoardError) as refused:
        authorise(
            "cluster:suggest", ACTORS["facilitator"], BoardState("cluster", False)
        )
    assert refused.value.code == "invalid"


def test_an_unknown_event_is_invalid_whoever_sends_it():
    for actor in ACTORS.values():
        if actor.removed:
            continue
        with pytest.raises(BoardError) as refused:
            authorise("card:paint", actor, BoardState("ideas", False))
        assert refused.value.code == "invalid"


def test_the_rate_limit_allows_a_burst_of_40_then_20_a_second():
    assert (EVENTS_PER_SECOND, EVENT_BURST) == (20, 40)
    bucket = TokenBucket(
        rate=EVENTS_PER_SECOND, burst=EVENT_BURST, tokens=EVENT_BURST, updated=0.0
    )

    assert all(bucket.take(0.0) for _n in range(40))
    assert not bucket.take(0.0)
    assert bucket.take(0.05)
    assert not bucket.take(0.05)


def test_an_idle_rate_limit_refills_to_the_burst_and_no_further():
    bucket = TokenBucket(rate=20, burst=40, tokens=0, updated=0.0)

    assert sum(bucket.take(60.0) for _n in range(100)) == 40


def test_a_change_on_the_current_version_passes():
    assert check_version(3, 3, {"id": 1, "version": 3}) is None


def test_a_change_on_a_stale_version_is_a_conflict_carrying_the_current_object():
    card = {"id": 7, "text": "Reuse pallets", "version": 3}
    with pytest.raises(BoardError) as refused:
        check_version(3, 2, card)

    ack = refused.value.as_ack()
    assert ack["ok"] is False
    assert ack["error"]["code"] == "conflict"
    assert ack["error"]["current"] == card
    assert ack["error"]["message"]


@pytest.mark.parametrize("used", [0, 4])
def test_votes_within_the_budget_pass(used: int):
    assert check_vote_budget(used, 5) is None
    assert votes_left(used + 1, 5) == 5 - used - 1


@pytest.mark.parametrize("used", [5, 6])
def test_a_vote_beyond_the_budget_is_refused(used: int):
    with pytest.raises(BoardError) as refused:
        check_vote_budget(used, 5)
    assert refused.value.code == "vote_budget"
    assert votes_left(used, 5) == 0


def test_the_board_page_gets_the_rules_tables_as_json():
    tables = json.loads(json.dumps(rules.client_rules()))

    assert tables["phases"] == list(PROTOCOL_PHASES)
    assert tables["closed"] == "closed"
    assert tables["closed_events"] == ["board:phase"]
    assert set(tables["facilitator_only"]) == FACILITATOR_ONLY
    assert set(tables["own_card_events"]) == rules.OWN_CARD_EVENTS
    assert tables["facilitator_phases"] == {
        event: [phase for phase in PROTOCOL_PHASES if phase in phases]
        for event, phases in FACILITATOR_MAY.items()
    }
    assert tables["participant_phases"] == {
        event: [phase for phase in PROTOCOL_PHASES if phase in phases]
        for event, phases in rules.PARTICIPANT_PHASES.items()
    }
    assert tables["requests"] == {"cluster:suggest": ["cluster"]}


@pytest.mark.parametrize("on_card", [0, 2])
def test_votes_on_one_card_below_the_most_per_card_pass(on_card: int):
    assert check_votes_per_card(on_card, 3) is None


@pytest.mark.parametrize("on_card", [3, 4])
def test_a_vote_beyond_the_most_per_card_is_refused(on_card: int):
    with pytest.raises(BoardError) as refused:
        check_votes_per_card(on_card, 3)
    assert refused.value.code == "vote_per_card"


def test_vote_settings_that_keep_every_vote_cast_pass():
    assert check_vote_settings(3, 2, most_used=3, most_on_a_card=2) is None


@pytest.mark.parametrize(
    ("budget", "per_card"), [(2, 2), (3, 1)], ids=["budget", "per card"]
)
def test_vote_settings_below_votes_already_cast_are_a_conflict(
    budget: int, per_card: int
):
    with pytest.raises(BoardError) as refused:
        check_vote_settings(budget, per_card, most_used=3, most_on_a_card=2)
    assert refused.value.code == "conflict"
    assert refused.value.extra["current"] == {"most_used": 3, "most_on_a_card": 2}


def test_more_votes_per_card_than_the_budget_is_invalid():
    with pytest.raises(BoardError) as refused:
        check_vote_settings(3, 4, most_used=0, most_on_a_card=0)
    assert refused.value.code == "invalid"
    assert "per_card" in refused.value.extra["fields"]
