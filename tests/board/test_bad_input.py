"""Hostile and broken input against a real server: for every mutating event, missing
fields, wrong types, over-long strings, unknown ids and another board's ids each get
their documented error code (`invalid` with `fields`, `not_found`, `conflict`), and
afterwards nothing already accepted has changed and the server still serves others.
Then messages over 64 KB (`too_large`) and a flood from one connection
(`rate_limited`, others' changes still accepted, every accepted change broadcast
gap-free; how promptly others are served is `make bench-board`'s "flood" rows)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from core.choices import (
    COMMITMENT_TEXT_MAX,
    EVENT_BURST,
    EVENTS_PER_SECOND,
    INDICATOR_NAME_MAX,
    INDICATOR_UNIT_MAX,
    REASON_MAX,
    TIMER_MAX_SECONDS,
)
from tests.board.conftest import (
    BoardClient,
    BoardSetup,
    LiveBoard,
    LiveServers,
    consecutive,
    new_cid,
)
from tests.board.protocol import PROTOCOL_EVENTS as EVENTS

UNKNOWN = 999_999
FLOOD = 500  # changes sent at once from one connection
BYSTANDER_CHANGES = 3  # on another board, while the flood is answered
FLOOD_WAIT = 60.0  # seconds: a generous wait for the flood's every ack
# PROTOCOL.md "Limits" (characters after trimming).
CARD_TEXT_MAX = 2000
COMMENT_TEXT_MAX = 500
COMMITMENT_TITLE_MAX = 200
CID_MAX = 64

# The fields each event cannot do without (besides `board`).
REQUIRED: dict[str, tuple[str, ...]] = {
    "card:create": ("cid", "theme", "text"),
    "card:update": ("cid", "card", "version"),
    "card:delete": ("cid", "card", "version"),
    "card:move": ("cid", "card", "version"),
    "comment:add": ("cid", "card", "text"),
    "vote:cast": ("cid", "card"),
    "vote:retract": ("cid", "card"),
    "commitment:create": ("cid", "title", "theme", "lead", "indicator", "deadline"),
    "commitment:update": ("cid", "commitment", "version"),
    "commitment:sign": ("cid", "commitment"),
    "board:phase": ("cid", "phase"),
    "board:lock": ("cid", "locked"),
    "board:timer": ("cid",),
    "card:hide": ("cid", "card", "hidden"),
    "card:merge": ("cid", "cards", "into"),
    "participant:remove": ("cid", "person"),
    "vote:settings": ("cid", "budget"),
    "vote:reveal": ("cid", "revealed"),
    "board:spotlight": ("cid", "target"),
}
INTEGERS: dict[str, tuple[str, ...]] = {
    "card:create": ("theme",),
    "card:update": ("card", "version", "theme"),
    "card:delete": ("card", "version"),
    "card:move": ("card", "version", "theme", "cluster"),
    "comment:add": ("card",),
    "vote:cast": ("card",),
    "vote:retract": ("card",),
    "commitment:create": ("theme", "lead"),
    "commitment:update": ("commitment", "version", "theme", "lead"),
    "commitment:sign": ("commitment",),
    "board:timer": ("seconds",),
    "card:hide": ("card",),
    "card:merge": ("into",),
    "participant:remove": ("person",),
    "vote:settings": ("budget", "per_card"),
    "board:spotlight": ("target",),
}
BOOLEANS: dict[str, tuple[str, ...]] = {
    "board:lock": ("locked",),
    "vote:reveal": ("revealed",),
    "card:hide": ("hidden",),
}
TEXTS: dict[str, dict[str, int]] = {
    "card:create": {"text": CARD_TEXT_MAX},
    "card:update": {"text": CARD_TEXT_MAX},
    "comment:add": {"text": COMMENT_TEXT_MAX},
    "commitment:create": {
        "title": COMMITMENT_TITLE_MAX,
        "action": COMMITMENT_TEXT_MAX,
        "support_requested": COMMITMENT_TEXT_MAX,
    },
    "commitment:update": {
        "title": COMMITMENT_TITLE_MAX,
        "action": COMMITMENT_TEXT_MAX,
        "support_requested": COMMITMENT_TEXT_MAX,
    },
    "participant:remove": {"reason": REASON_MAX},
}
# Fields holding a list of card ids.
ID_LISTS: dict[str, tuple[str, ...]] = {
    "commitment:create": ("source_cards",),
    "commitment:update": ("source_cards",),
    "card:merge": ("cards",),
}
WRONG_INTEGERS = ("abc", True, 1.5, [1], {"id": 1})
WRONG_BOOLEANS = (1, "true", None, [True])
NOT_OBJECTS = (["board", 1], "card", 5, None)
WRONG_BOARDS = ("1", True, 1.5, 0, [1])


@dataclass(frozen=True)
class Case:
    label: str
    payload: Any
    code: str
    field: str | None = None  # a key expected in error.fields (or its prefix)


@dataclass(frozen=True)
class Arena:
    """Board A with accepted content, and board B whose ids must not work on A."""

    a: BoardSetup
    b: BoardSetup
    card: int
    spare_card: int
    commitment: int
    their_card: int
    their_commitment: int

    @property
    def theme(self) -> int:
        return self.a.themes[0]


def indicator() -> dict[str, Any]:
    return {"name": "Waste", "unit": "t", "baseline": 100, "target": 40}


def commitment_fields(lead: int, theme: int) -> dict[str, Any]:
    return {
        "title": "Less waste",
        "action": "Sort at source",
        "theme": theme,
        "lead": lead,
        "indicator": indicator(),
        "deadline": "2027-12-31",
        "support_requested": "Bins",
    }


@pytest.fixture(scope="module")
def arena(live_server: LiveServers) -> Iterator[Arena]:
    """Two boards in the draft phase with a card, a spare card and a commitment each
    (on A), a card and a commitment on B."""
    live = LiveBoard(live_server)
    try:
        made = []
        for setup in (live.new_board(3), live.new_board(2)):
            client = live.joined(setup.facilitator, setup.board)
            author = live.joined(setup.participants[0].token, setup.board)
            assert client.change(setup.board, "board:phase", phase="ideas")["ok"]
            cards = [
                author.change(
                    setup.board, "card:create", theme=setup.themes[0], text=text
                )["card"]["id"]
                for text in ("Compost", "Spare")
            ]
            assert client.change(setup.board, "board:phase", phase="draft")["ok"]
            commitment = author.change(
                setup.board,
                "commitment:create",
                **commitment_fields(
                    setup.participants[0].organisation, setup.themes[0]
                ),
            )["commitment"]["id"]
            made.append((setup, cards, commitment))
        (a, a_cards, a_commitment), (b, b_cards, b_commitment) = made
        yield Arena(
            a, b, a_cards[0], a_cards[1], a_commitment, b_cards[0], b_commitment
        )
    finally:
        live.close()


def state(client: BoardClient, board: int) -> dict[str, Any]:
    """Everything accepted on the board (a fresh snapshot, without presence)."""
    ack = client.join(board)
    assert ack["ok"], ack
    snapshot = dict(ack["snapshot"])
    snapshot.pop("presence")
    return {"seq": ack["seq"], **snapshot}


@dataclass(frozen=True)
class Versions:
    card: int
    spare_card: int
    commitment: int


def versions(snapshot: dict[str, Any], arena: Arena) -> Versions:
    cards = {card["id"]: card["version"] for card in snapshot["cards"]}
    commitments = {c["id"]: c["version"] for c in snapshot["commitments"]}
    return Versions(
        cards[arena.card], cards[arena.spare_card], commitments[arena.commitment]
    )


def valid_payload(event: str, arena: Arena, version: Versions) -> dict[str, Any]:
    card, commitment = arena.card, arena.commitment
    fields: dict[str, dict[str, Any]] = {
        "card:create": {"theme": arena.theme, "text": "Valid", "kind": "idea"},
        "card:update": {"card": card, "version": version.card, "text": "Edited"},
        "card:delete": {"card": arena.spare_card, "version": version.spare_card},
        "card:move": {
            "card": card,
            "version": version.card,
            "theme": arena.a.themes[1],
            "cluster": None,
        },
        "comment:add": {"card": card, "text": "Agreed"},
        "vote:cast": {"card": card},
        "vote:retract": {"card": card},
        "commitment:create": {
            **commitment_fields(arena.a.participants[0].organisation, arena.theme),
            "source_cards": [card],
        },
        "commitment:update": {
            "commitment": commitment,
            "version": version.commitment,
            "title": "More",
            "source_cards": [card],
        },
        "commitment:sign": {"commitment": commitment},
        "board:phase": {"phase": "vote"},
        "board:lock": {"locked": True},
        "board:timer": {"seconds": 60},
        "card:hide": {"card": card, "hidden": True},
        "card:merge": {"cards": [arena.spare_card], "into": card},
        "participant:remove": {
            "person": arena.a.participants[2].person,
            "reason": "Testing",
        },
        "vote:settings": {"budget": 3, "per_card": 2},
        "vote:reveal": {"revealed": True},
        "board:spotlight": {"target": {"type": "card", "id": card}},
    }
    return {"board": arena.a.board, "cid": new_cid(), **fields[event]}


def without(payload: dict[str, Any], name: str) -> dict[str, Any]:
    return {key: value for key, value in payload.items() if key != name}


def missing_and_mistyped(event: str, base: dict[str, Any]) -> Iterator[Case]:
    for name in REQUIRED[event]:
        yield Case(f"no {name}", without(base, name), "invalid", name)
    for name in INTEGERS.get(event, ()):
        for value in WRONG_INTEGERS:
            yield Case(f"{name}={value!r}", {**base, name: value}, "invalid", name)
    for name in BOOLEANS.get(event, ()):
        for value in WRONG_BOOLEANS:
            yield Case(f"{name}={value!r}", {**base, name: value}, "invalid", name)
    for name in ID_LISTS.get(event, ()):
        for value in ("abc", ["abc"], {"0": 1}, 5):
            yield Case(f"{name}={value!r}", {**base, name: value}, "invalid", name)
    for value in NOT_OBJECTS:
        yield Case(f"payload {value!r}", value, "invalid", "board")
    yield Case("no board", without(base, "board"), "invalid", "board")
    for value in WRONG_BOARDS:
        yield Case(f"board={value!r}", {**base, "board": value}, "invalid", "board")
    yield Case("empty cid", {**base, "cid": ""}, "invalid", "cid")
    yield Case("long cid", {**base, "cid": "c" * (CID_MAX + 1)}, "invalid", "cid")


def bad_texts(event: str, base: dict[str, Any]) -> Iterator[Case]:
    for name, limit in TEXTS.get(event, {}).items():
        for label, value in (
            ("too long", "x" * (limit + 1)),
            ("far too long", "x" * 60_000),
            ("a list", ["x"]),
            ("an object", {"x": "y"}),
        ):
            yield Case(f"{name} {label}", {**base, name: value}, "invalid", name)
        if name in REQUIRED[event]:
            yield Case(f"{name} blank", {**base, name: "   "}, "invalid", name)


def bad_values(event: str, base: dict[str, Any]) -> Iterator[Case]:
    """Values of the right type outside what the protocol allows."""
    cases: dict[str, list[tuple[str, Any]]] = {
        "card:create": [("kind", "poem"), ("kind", 5)],
        "card:update": [("kind", "poem"), ("version", 0)],
        "board:phase": [("phase", "nonsense"), ("phase", ""), ("phase", ["ideas"])],
        "board:timer": [
            ("seconds", 0),
            ("seconds", -5),
            ("seconds", TIMER_MAX_SECONDS + 1),
        ],
        "commitment:create": [
            ("deadline", "someday"),
            ("deadline", "2027-02-30"),
            ("deadline", 20271231),
            ("indicator", ["Waste", "t", 100, 40]),
            ("indicator", "Waste"),
            ("indicator", {**indicator(), "baseline": "lots"}),
            ("indicator", {**indicator(), "target": 1e300}),
            ("indicator", without(indicator(), "unit")),
            ("indicator", {**indicator(), "name": "n" * (INDICATOR_NAME_MAX + 1)}),
            ("indicator", {**indicator(), "unit": "u" * (INDICATOR_UNIT_MAX + 1)}),
        ],
        "commitment:update": [
            ("deadline", "someday"),
            ("indicator", ["Waste", "t", 100, 40]),
            ("indicator", {**indicator(), "baseline": "lots"}),
        ],
        "vote:settings": [
            ("budget", 0),
            ("budget", 51),
            ("per_card", 0),
            ("per_card", 4),  # more than the budget of 3
        ],
        "board:spotlight": [
            ("target", {"type": "poem", "id": 1}),
            ("target", {"type": "card"}),
            ("target", {"type": "card", "id": 0}),
            ("target", {"type": "cluster", "id": "1"}),
            ("target", "card"),
            ("target", [1]),
        ],
    }
    for name, value in cases.get(event, []):
        yield Case(f"{name}={value!r:.40}", {**base, name: value}, "invalid", name)


def unknown_and_foreign(
    event: str, base: dict[str, Any], arena: Arena
) -> Iterator[Case]:
    """Ids that exist nowhere, and ids of board B sent to board A: `not_found`."""
    references: dict[str, list[tuple[str, Any]]] = {
        "card:create": [("theme", UNKNOWN)],
        "card:update": [("card", arena.their_card), ("theme", UNKNOWN)],
        "card:delete": [("card", arena.their_card)],
        "card:move": [
            ("card", arena.their_card),
            ("theme", UNKNOWN),
            ("cluster", UNKNOWN),
            ("cluster", arena.their_card),
        ],
        "comment:add": [("card", arena.their_card)],
        "vote:cast": [("card", arena.their_card)],
        "vote:retract": [("card", arena.their_card)],
        "commitment:create": [
            ("theme", UNKNOWN),
            ("lead", UNKNOWN),
            ("source_cards", [UNKNOWN]),
            ("source_cards", [arena.their_card]),
        ],
        "commitment:update": [
            ("commitment", arena.their_commitment),
            ("theme", UNKNOWN),
            ("lead", UNKNOWN),
            ("source_cards", [arena.their_card]),
        ],
        "commitment:sign": [("commitment", arena.their_commitment)],
        "card:hide": [("card", arena.their_card)],
        "card:merge": [
            ("cards", [UNKNOWN]),
            ("cards", [arena.their_card]),
            ("into", arena.their_card),
        ],
        "participant:remove": [
            ("person", UNKNOWN),
            ("person", arena.b.participants[0].person),
        ],
        "board:spotlight": [
            ("target", {"type": "card", "id": UNKNOWN}),
            ("target", {"type": "card", "id": arena.their_card}),
            ("target", {"type": "cluster", "id": arena.their_card}),
            ("target", {"type": "commitment", "id": arena.their_commitment}),
        ],
    }
    for field in ("card", "commitment"):
        if field in base:
            references.setdefault(event, []).insert(0, (field, UNKNOWN))
    for name, value in references.get(event, []):
        yield Case(f"{name}={value!r}", {**base, name: value}, "not_found")
    if "version" in base:
        stale = {**base, "version": base["version"] + 5}
        yield Case("a stale version", stale, "conflict")


def cases(event: str, arena: Arena, version: Versions) -> list[Case]:
    base = valid_payload(event, arena, version)
    return [
        *missing_and_mistyped(event, base),
        *bad_texts(event, base),
        *bad_values(event, base),
        *unknown_and_foreign(event, base, arena),
    ]


class Sender:
    """Sends as the facilitator, no faster than a person's rate on a board, so that
    the rate limit (per person, over all their connections) never answers in
    validation's place."""

    INTERVAL = 1 / EVENTS_PER_SECOND

    def __init__(self, live_board: LiveBoard, setup: BoardSetup) -> None:
        self.client = live_board.joined(setup.facilitator, setup.board)
        self.last = 0.0

    def send(self, event: str, payload: Any) -> dict[str, Any]:
        time.sleep(max(0.0, self.last + self.INTERVAL - time.monotonic()))
        self.last = time.monotonic()
        return self.client.ack(event, payload)


def mismatch(case: Case, ack: dict[str, Any]) -> str | None:
    error = ack.get("error") or {}
    if ack.get("ok") is not False or error.get("code") != case.code:
        return f"{case.label}: expected {case.code}, got {ack}"
    if case.code == "invalid":
        fields = error.get("fields")
        if not isinstance(fields, dict):
            return f"{case.label}: `invalid` without `fields`: {ack}"
        named = case.field is None or any(
            key == case.field or key.startswith(f"{case.field}.") for key in fields
        )
        if not named:
            return f"{case.label}: fields {fields} do not name {case.field!r}"
    if case.code == "conflict" and "current" not in error:
        return f"{case.label}: `conflict` without `current`: {ack}"
    return None


@pytest.mark.parametrize("event", EVENTS)
def test_broken_payloads_get_their_error_code_and_change_nothing(
    live_board: LiveBoard, arena: Arena, event: str
):
    sender = Sender(live_board, arena.a)
    before = state(sender.client, arena.a.board)
    wrong: list[str] = []
    index = 0
    todo = cases(event, arena, versions(before, arena))
    while index < len(todo):
        case = todo[index]
        ack = sender.send(event, case.payload)
        problem = mismatch(case, ack)
        if problem:
            wrong.append(problem)
        if ack.get("ok"):
            # Accepted by mistake: later cases must start from the new versions.
            fresh = versions(state(sender.client, arena.a.board), arena)
            todo = todo[: index + 1] + cases(event, arena, fresh)[index + 1 :]
        index += 1

    after = state(sender.client, arena.a.board)
    other = live_board.joined(arena.a.participants[1].token, arena.a.board)
    assert not wrong, f"{len(wrong)} of {len(todo)} cases:\n" + "\n".join(wrong)
    assert after == before
    assert other.join(arena.a.board)["seq"] == before["seq"]


def test_join_with_a_broken_board_or_since_is_invalid_and_an_unknown_board_not_found(
    live_board: LiveBoard, arena: Arena
):
    client = live_board.connect(arena.a.facilitator)
    board = arena.a.board

    for payload in (
        {},
        {"board": "1"},
        {"board": True},
        {"board": board, "since": -1},
        {"board": board, "since": "abc"},
        [board],
    ):
        ack = client.ack("join", payload)
        assert ack["ok"] is False, payload
        assert ack["error"]["code"] == "invalid", payload
        assert isinstance(ack["error"].get("fields"), dict), ack
    assert client.join(UNKNOWN)["error"]["code"] == "not_found"
    assert client.join(board)["ok"]


def test_a_message_over_64_kb_is_refused_as_too_large(
    live_board: LiveBoard, arena: Arena
):
    client = live_board.joined(arena.a.facilitator, arena.a.board)
    before = state(client, arena.a.board)

    ack = client.change(
        arena.a.board, "card:create", theme=arena.theme, text="x" * 100_000
    )

    assert ack["ok"] is False
    assert ack["error"]["code"] == "too_large"
    assert state(client, arena.a.board) == before
    assert live_board.joined(arena.a.participants[1].token, arena.a.board)


def test_a_flood_from_one_connection_is_rate_limited_and_others_are_still_served(
    live_board: LiveBoard,
):
    flooded = live_board.new_board(1)
    elsewhere = live_board.new_board(1)
    observer = live_board.joined(flooded.facilitator, flooded.board)
    flooder = live_board.joined(flooded.facilitator, flooded.board)
    bystander = live_board.joined(elsewhere.facilitator, elsewhere.board)
    neighbour = live_board.joined(elsewhere.participants[0].token, elsewhere.board)
    acks: list[dict[str, Any]] = []
    done = threading.Condition()

    def record(ack: dict[str, Any]) -> None:
        with done:
            acks.append(ack)
            done.notify_all()

    for n in range(FLOOD):
        payload = {
            "board": flooded.board,
            "cid": new_cid(),
            "theme": flooded.themes[0],
            "text": f"Flood {n}",
        }
        flooder.emit("card:create", payload, namespace="/board", callback=record)
    # While the flood is being answered, the bystander changes its own board.
    answers = [
        bystander.change(elsewhere.board, "board:timer", seconds=30 + n)
        for n in range(BYSTANDER_CHANGES)
    ]
    with done:
        assert done.wait_for(lambda: len(acks) == FLOOD, timeout=FLOOD_WAIT)

    codes = [ack["error"]["code"] for ack in acks if not ack["ok"]]
    accepted = sorted(ack["seq"] for ack in acks if ack["ok"])
    assert set(codes) == {"rate_limited"}
    assert EVENT_BURST <= len(accepted) < FLOOD
    assert accepted == consecutive(1, len(accepted))
    assert observer.wait_for_seq(flooded.board, accepted[-1])
    assert [answer["ok"] for answer in answers] == [True] * BYSTANDER_CHANGES, answers
    mine = [answer["seq"] for answer in answers]
    assert mine == consecutive(1, BYSTANDER_CHANGES)
    assert neighbour.wait_for_seq(elsewhere.board, mine[-1])
    # Nothing arrives beyond what was accepted, and nothing crosses to the other board.
    time.sleep(0.3)
    assert observer.seqs(flooded.board) == accepted
    assert neighbour.seqs(elsewhere.board) == mine
    assert not observer.seqs(elsewhere.board)
    assert not neighbour.seqs(flooded.board)
