"""Property-based fuzzing of every board event against a really served app.

One strategy per PROTOCOL event, built from the event's schema (the fields of its
payload form: ids, text, numbers, booleans, choices, dates, the nested indicator, the
lists of ids), draws valid-ish payloads and mutates them: values of the wrong JSON
type, huge and negative ids, floats and booleans for ids, digits in strings, lone
surrogates, NUL, markup, over-long and oversize text, nesting, missing and extra
fields, another board's id. Each example is a batch of messages sent over one real
WebSocket connection (a participant's or the facilitator's), and asserts:

- every message gets an ack, `ok` or an error with a documented code, never
  `internal`;
- refusals change nothing: the board's `seq` and the rows of the board's tables grow
  by exactly the accepted changes (none, when everything was refused);
- at the end the server is alive (a normal change still acks) and its log holds no
  traceback and no `internal` fault.

With the "greenpact" profile (tests/conftest.py, derandomised in CI) the run sends
BATCHES * BATCH_SIZE messages (over 10,000) and prints the count."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from wtforms import (
    DateField,
    FieldList,
    FloatField,
    FormField,
    IntegerField,
    SelectField,
)

from commitments.models import Commitment, Signature
from extensions import db
from tests.board.conftest import (
    BoardClient,
    BoardSetup,
    LiveBoard,
    LiveServers,
    new_cid,
)
from tests.board.protocol import PROTOCOL_EVENTS
from workshops.board.forms import FORMS, JoinForm, StrictBoolean
from workshops.models import BoardEvent, Card, Comment, Vote

BATCHES = 270
MESSAGES_AT_LEAST = 10_000
BATCH_SIZE = 40  # a fresh connection's burst: the rate limit lets each one through
DOCUMENTED = {
    "unauthorized",
    "forbidden",
    "not_found",
    "invalid",
    "locked",
    "phase",
    "conflict",
    "vote_budget",
    "rate_limited",
    "too_large",
}
TABLES = (BoardEvent, Card, Comment, Commitment, Vote, Signature)


# --- the arena --------------------------------------------------------------------


@dataclass
class Arena:
    live: LiveBoard
    setup: BoardSetup
    other_board: int
    cards: list[int]
    commitment: int
    seats: Iterator[Any]
    sent: int = 0
    accepted: int = 0
    codes: dict[str, int] = field(default_factory=dict)
    seqs: set[tuple[int, int]] = field(default_factory=set)  # (board, seq) accepted


@pytest.fixture(scope="module")
def arena(live_server: LiveServers) -> Iterator[Arena]:
    """A board in the ideas phase with two cards and a commitment, many
    participants (each batch speaks as the next one), and another board."""
    live = LiveBoard(live_server)
    try:
        setup = live.new_board(30)
        other = live.new_board(1)
        facilitator = live.joined(setup.facilitator, setup.board)
        author = live.joined(setup.participants[0].token, setup.board)
        assert facilitator.change(setup.board, "board:phase", phase="ideas")["ok"]
        cards = [
            author.change(setup.board, "card:create", theme=setup.themes[0], text=t)[
                "card"
            ]["id"]
            for t in ("Compost", "Bikes")
        ]
        assert facilitator.change(setup.board, "board:phase", phase="draft")["ok"]
        commitment = author.change(
            setup.board,
            "commitment:create",
            title="Less waste",
            theme=setup.themes[0],
            lead=setup.participants[0].organisation,
            indicator={"name": "Waste", "unit": "t", "baseline": 1, "target": 2},
            deadline="2027-12-31",
        )["commitment"]["id"]
        assert facilitator.change(setup.board, "board:phase", phase="ideas")["ok"]
        facilitator.disconnect()
        author.disconnect()
        tokens = [setup.facilitator] + [seat.token for seat in setup.participants]
        yield Arena(
            live, setup, other.board, cards, commitment, itertools.cycle(tokens)
        )
    finally:
        live.close()


def counts(live_server: LiveServers, boards: tuple[int, ...]) -> dict[str, int]:
    """Rows of every table a change writes, and each board's events (its seq)."""
    with live_server.seeder.app.app_context():
        try:
            rows = {
                table.__name__: db.session.scalar(
                    select(func.count()).select_from(table)
                )
                or 0
                for table in TABLES
            }
            for board in boards:
                rows[f"board {board}"] = (
                    db.session.scalar(
                        select(func.count())
                        .select_from(BoardEvent)
                        .where(BoardEvent.board_id == board)
                    )
                    or 0
                )
            return rows
        finally:
            db.session.remove()


# --- strategies: one per event, from its schema --------------------------------

SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
NASTY_TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=SURROGATES, min_size=1, max_size=3).map(lambda s: f"a{s}b"),
    st.sampled_from(
        [
            "nul\x00byte",
            "<script>alert(1)</script>",
            "<b>bold</b>",
            "a < b and c > d",
            "   ",
            "",
            "=SUM(A1)",
            "\u202eright-to-left",
            "😀" * 50,
        ]
    ),
    st.integers(min_value=1, max_value=3000).map(lambda n: "x" * n),
)
PLAIN_TEXT = st.sampled_from(["Compost bins", "Bike racks", "Solar roofs", "t"])
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    NASTY_TEXT,
)
ANY_JSON = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=6,
)


class Oversize(dict[str, Any]):
    """A payload over 64 KB, shown short in hypothesis's reports."""

    def __repr__(self) -> str:
        return "Oversize(70 KB)"


def mostly(
    common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any], one_in: int
) -> st.SearchStrategy[Any]:
    """`common`, and `rare` once in `one_in` draws (one_of would draw each branch
    alike, and identical branches count once)."""
    return st.integers(0, one_in - 1).flatmap(lambda n: rare if n == 0 else common)


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value]
    return value


DEEP = st.integers(min_value=10, max_value=60).map(nested)
HUGE_INTS = st.sampled_from([2**31 - 1, 2**31, 2**63, 2**64, 10**30, -1, 0, -(2**63)])


def ids(arena: Arena) -> st.SearchStrategy[Any]:
    real = [*arena.cards, arena.commitment, *arena.setup.themes[:2]]
    real += [
        arena.setup.participants[1].person,
        arena.setup.participants[0].organisation,
    ]
    odd = st.one_of(
        st.integers(min_value=-3, max_value=50),
        HUGE_INTS,
        st.sampled_from([1.5, 2.0, True, False, "1", "١", " 3", None, [1], {"id": 1}]),
    )
    return mostly(st.sampled_from(real), odd, 3)


def value_for(unbound: Any, arena: Arena) -> st.SearchStrategy[Any]:
    """A valid-ish value for one form field, from its class."""
    kind = unbound.field_class
    if issubclass(kind, FormField):
        return payload_for(unbound.args[0], arena)
    if issubclass(kind, FieldList):
        return st.lists(value_for(unbound.args[0], arena), max_size=60)
    if issubclass(kind, StrictBoolean):
        return st.booleans()
    if issubclass(kind, IntegerField):
        return ids(arena)
    if issubclass(kind, FloatField):
        return st.one_of(st.floats(), st.integers(), st.just(10**400 // 10**390))
    if issubclass(kind, DateField):
        return mostly(st.dates(min_value=date(1, 1, 1)).map(str), NASTY_TEXT, 4)
    if issubclass(kind, SelectField):
        choices = [str(choice.value) for choice in unbound.kwargs.get("choices", [])]
        return mostly(st.sampled_from(choices or [""]), NASTY_TEXT, 4)
    return mostly(PLAIN_TEXT, NASTY_TEXT, 3)


def payload_for(form_class: Any, arena: Arena) -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        name: value_for(unbound, arena)
        for name in dir(form_class)
        if not name.startswith("_")
        and hasattr(unbound := getattr(form_class, name), "field_class")
    }
    # Every field may be missing; any may be replaced by a value of another type.
    mutated = {
        name: mostly(strategy, st.one_of(ANY_JSON, DEEP), 6)
        for name, strategy in fields.items()
    }
    return st.fixed_dictionaries({}, optional=mutated)


def message(event: str, arena: Arena) -> st.SearchStrategy[tuple[str, Any]]:
    form = JoinForm if event in ("join", "leave") else FORMS[event]
    boards = st.one_of(
        st.just(arena.other_board),
        HUGE_INTS,
        st.sampled_from(["1", True, 1.0, None]),
    )
    board_weighted = mostly(st.just(arena.setup.board), boards, 6)
    base = st.fixed_dictionaries(
        {
            "board": board_weighted,
            "cid": mostly(st.none(), st.one_of(NASTY_TEXT, ids(arena)), 4),
        }
    )
    extra = st.dictionaries(st.text(max_size=10), ANY_JSON, max_size=3)

    def build(parts: tuple[dict[str, Any], dict[str, Any], dict[str, Any]]) -> Any:
        head, fields, more = parts
        if head["cid"] is None:
            head = {"board": head["board"], "cid": new_cid()}
        return {**more, **head, **fields}

    payloads = st.tuples(base, payload_for(form, arena), extra).map(build)
    junk = st.one_of(
        ANY_JSON,  # not an object at all
        DEEP,
        st.just(Oversize(board=arena.setup.board, text="x" * 70_000)),
    )
    whole = mostly(payloads, junk, 12)
    return st.tuples(st.just(event), whole)


def batches(arena: Arena) -> st.SearchStrategy[list[tuple[str, Any]]]:
    events = ["join", "leave", *PROTOCOL_EVENTS]
    one = st.one_of([message(event, arena) for event in events])
    return st.lists(one, min_size=BATCH_SIZE, max_size=BATCH_SIZE)


# --- the property ---------------------------------------------------------------


def joined_client(arena: Arena) -> BoardClient:
    """The next person's connection, joined (a participant the fuzzing removed
    gets `unauthorized`: then the one after them)."""
    for _ in range(len(arena.setup.participants) + 1):
        client = arena.live.connect(next(arena.seats))
        ack = client.join(arena.setup.board)
        if ack["ok"]:
            return client
        assert ack["error"]["code"] == "unauthorized", ack
        close(arena, client)
    pytest.fail("nobody can join the board any more")


def close(arena: Arena, client: BoardClient) -> None:
    client.disconnect()
    client.shutdown()
    arena.live.clients.remove(client)


def send_batch(
    arena: Arena, batch: list[tuple[str, Any]], before: dict[str, int]
) -> dict[str, int]:
    """Send the batch on a new connection; the changes it made on each board (acks
    with a seq past the board's seq `before` the batch)."""
    client = joined_client(arena)
    try:
        accepted = {key: 0 for key in before if key.startswith("board ")}
        for event, payload in batch:
            ack = client.ack_unless_cut_off(event, payload)
            if ack is None:
                # Only a refusal that disconnects (unauthorized: a removed
                # participant) may leave a message without an answer.
                assert client.disconnects > 0, (event, payload)
                break
            arena.sent += 1
            assert isinstance(ack, dict), (event, ack)
            if ack.get("ok") is True:
                # A repeated cid is answered with its first ack (its seq, from
                # this batch or an earlier one): only a seq past the board's
                # seq before the batch is new.
                key = f"board {payload.get('board')}"
                seq = ack.get("seq", 0)
                new = key in accepted and seq > before[key]
                if event not in ("join", "leave") and new:
                    if (payload["board"], seq) not in arena.seqs:
                        arena.seqs.add((payload["board"], seq))
                        accepted[key] += 1
                continue
            code = ack["error"]["code"]
            arena.codes[code] = arena.codes.get(code, 0) + 1
            assert code in DOCUMENTED, (event, payload, ack)
        return accepted
    finally:
        close(arena, client)


# A failing batch can still be long to print (hypothesis warns past 100 kB).
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
def test_every_event_fuzzed_gets_a_documented_answer_and_refusals_change_nothing(
    live_server: LiveServers, arena: Arena, capsys: pytest.CaptureFixture[str]
) -> None:
    board = arena.setup.board
    boards = (board, arena.other_board)

    @settings(max_examples=BATCHES)
    @given(batch=batches(arena))
    def property_holds(batch: list[tuple[str, Any]]) -> None:
        # A board's events run gap-free from seq 1: their count is its seq.
        before = counts(live_server, boards)
        accepted = send_batch(arena, batch, before)
        after = counts(live_server, boards)
        arena.accepted += sum(accepted.values())
        for key, made in accepted.items():
            assert after[key] - before[key] == made, key
        if not any(accepted.values()):
            assert after == before, "a refused message changed the database"

    property_holds()

    # The server is alive and well: a normal change is still acknowledged.
    facilitator = arena.live.joined(arena.setup.facilitator, board)
    assert facilitator.change(board, "board:phase", phase="ideas")["ok"]
    ack = facilitator.change(
        board, "card:create", theme=arena.setup.themes[0], text="Ok"
    )
    assert ack["ok"], ack
    log = live_server.servers[0].log_text()
    assert "Traceback" not in log, log[-3000:]
    assert "failed with" not in log, log[-3000:]
    assert arena.sent >= MESSAGES_AT_LEAST
    with capsys.disabled():
        print(  # noqa: T201 - the figure the integrator quotes
            f"\nsocket fuzz: {arena.sent} messages sent, {arena.accepted} changes "
            f"accepted, refusals by code: {dict(sorted(arena.codes.items()))}"
        )
