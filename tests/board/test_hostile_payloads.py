"""Payloads that used to reach a traceback, against a really served app: ids out of
range (10^30 gave `internal`), ids of the wrong JSON type (`"5"`, `true`, `1.5`), lone
surrogates and NUL (SQLite could not encode them), markup in board text (it reached
the open data), and raw Socket.IO packets the server cannot read: nested 100,000
levels (a RecursionError in the engine, no ack), broken JSON, a 5,000-digit number,
`[]`. Each is answered with its documented code, nothing changes, the connection stays
usable and the server log holds no traceback."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests
import websocket
from sqlalchemy import select

from commitments.models import Commitment
from extensions import db
from tests.board.conftest import (
    ACK_TIMEOUT,
    NAMESPACE,
    BoardClient,
    BoardSetup,
    LiveBoard,
    LiveServers,
)

HUGE = 10**30
MARKUP = "<script>alert('pact')</script>"


@dataclass(frozen=True)
class Stage:
    setup: BoardSetup
    facilitator: BoardClient
    author: BoardClient
    card: int
    commitment: int


def indicator() -> dict[str, Any]:
    return {"name": "Waste", "unit": "t", "baseline": 100, "target": 40}


def commitment_fields(setup: BoardSetup, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Less waste",
        "action": "Sort at source",
        "theme": setup.themes[0],
        "lead": setup.participants[0].organisation,
        "indicator": indicator(),
        "deadline": "2027-12-31",
        "support_requested": "Bins",
        **changes,
    }


@pytest.fixture(scope="module")
def stage(live_server: LiveServers) -> Iterator[Stage]:
    """A board in the draft phase with one card and one commitment."""
    live = LiveBoard(live_server)
    try:
        setup = live.new_board(2)
        facilitator = live.joined(setup.facilitator, setup.board)
        author = live.joined(setup.participants[0].token, setup.board)
        assert facilitator.change(setup.board, "board:phase", phase="ideas")["ok"]
        card = author.change(
            setup.board, "card:create", theme=setup.themes[0], text="Compost"
        )["card"]["id"]
        assert facilitator.change(setup.board, "board:phase", phase="draft")["ok"]
        commitment = author.change(
            setup.board, "commitment:create", **commitment_fields(setup)
        )["commitment"]["id"]
        yield Stage(setup, facilitator, author, card, commitment)
    finally:
        live.close()


def seq_of(stage: Stage) -> int:
    ack = stage.facilitator.join(stage.setup.board)
    assert ack["ok"], ack
    return int(ack["seq"])


def assert_refused(ack: dict[str, Any], code: str, field: str | None = None) -> None:
    assert ack["ok"] is False, ack
    assert ack["error"]["code"] == code, ack
    if field is not None:
        assert field in ack["error"].get("fields", {}), ack


def assert_no_traceback(live_server: LiveServers) -> None:
    log = live_server.servers[0].log_text()
    assert "Traceback" not in log, log[-3000:]
    assert "failed with" not in log, log[-3000:]  # an `internal` ack's log line
    assert "RecursionError" not in log, log[-3000:]


def cases(stage: Stage) -> list[tuple[str, dict[str, Any], str]]:
    """(event, payload besides board and cid, the field named in `invalid`)."""
    card, commitment = stage.card, stage.commitment
    return [
        ("card:update", {"card": HUGE, "version": 1, "text": "x"}, "card"),
        ("card:update", {"card": card, "version": HUGE, "text": "x"}, "version"),
        ("card:update", {"card": -1, "version": 1, "text": "x"}, "card"),
        ("card:update", {"card": str(card), "version": 1, "text": "x"}, "card"),
        ("card:update", {"card": True, "version": 1, "text": "x"}, "card"),
        ("card:update", {"card": float(card), "version": 1, "text": "x"}, "card"),
        ("comment:add", {"card": 2**63, "text": "x"}, "card"),
        ("vote:cast", {"card": 2**31}, "card"),
        ("commitment:sign", {"commitment": HUGE}, "commitment"),
        ("card:merge", {"cards": [HUGE], "into": card}, "cards"),
        ("card:merge", {"cards": ["1"], "into": card}, "cards"),
        ("participant:remove", {"person": HUGE}, "person"),
        (
            "commitment:update",
            {"commitment": commitment, "version": 1, "lead": HUGE},
            "lead",
        ),
        (
            "commitment:create",
            commitment_fields(stage.setup, source_cards=[card, HUGE]),
            "source_cards",
        ),
        (
            "commitment:create",
            commitment_fields(
                stage.setup, indicator={**indicator(), "baseline": "100"}
            ),
            "indicator.baseline",
        ),
        # Text no database can store, wherever it is.
        ("comment:add", {"card": card, "text": "half \ud800 pair"}, "text"),
        ("comment:add", {"card": card, "text": "nul \x00 here"}, "text"),
        ("comment:add", {"card": card, "text": "ok", "\udfff": 1}, "\\udfff"),
        (
            "commitment:create",
            commitment_fields(stage.setup, indicator={**indicator(), "unit": "\ud83d"}),
            "indicator.unit",
        ),
        # One markup policy: every text field refuses what the HTML forms refuse.
        ("comment:add", {"card": card, "text": MARKUP}, "text"),
        ("commitment:create", commitment_fields(stage.setup, title=MARKUP), "title"),
        (
            "commitment:create",
            commitment_fields(stage.setup, action=f"Do it {MARKUP}"),
            "action",
        ),
        (
            "commitment:create",
            commitment_fields(stage.setup, support_requested="<b>bins</b>"),
            "support_requested",
        ),
        (
            "commitment:create",
            commitment_fields(stage.setup, indicator={**indicator(), "name": MARKUP}),
            "indicator.name",
        ),
        (
            "commitment:update",
            {"commitment": commitment, "version": 1, "title": MARKUP},
            "title",
        ),
        ("participant:remove", {"person": 1, "reason": "<img src=x>"}, "reason"),
    ]


def test_bad_ids_text_and_markup_are_invalid_with_the_field_named(
    live_server: LiveServers, stage: Stage
) -> None:
    before = seq_of(stage)
    for event, fields, field in cases(stage):
        ack = stage.facilitator.change(stage.setup.board, event, **fields)
        assert_refused(ack, "invalid", field)
    assert seq_of(stage) == before, "a refused change used a seq"
    assert_no_traceback(live_server)


@pytest.mark.parametrize("cid", ["\ud800", "nul\x00", "\udc00abc"])
def test_a_cid_no_database_can_store_is_invalid(
    live_server: LiveServers, stage: Stage, cid: str
) -> None:
    payload = {"board": stage.setup.board, "cid": cid, "card": stage.card}
    ack = stage.author.ack("comment:add", {**payload, "text": "Hi"})
    assert_refused(ack, "invalid", "cid")
    assert_no_traceback(live_server)


@pytest.mark.parametrize("board", [HUGE, 2**31, -1, "1", True, 1.0])
def test_a_board_id_out_of_range_or_of_another_type_is_invalid(
    live_server: LiveServers, stage: Stage, board: Any
) -> None:
    assert_refused(stage.author.ack("join", {"board": board}), "invalid", "board")
    ack = stage.author.ack("card:create", {"board": board, "cid": "c", "text": "x"})
    assert_refused(ack, "invalid", "board")
    assert_no_traceback(live_server)


@pytest.mark.parametrize("since", [HUGE, -1, "3", True, 1.5])
def test_join_with_a_since_out_of_range_or_of_another_type_is_invalid(
    stage: Stage, since: Any
) -> None:
    ack = stage.author.ack("join", {"board": stage.setup.board, "since": since})
    assert_refused(ack, "invalid", "since")


def test_a_commitment_with_markup_never_reaches_the_open_data(
    live_server: LiveServers, stage: Stage
) -> None:
    ack = stage.author.change(
        stage.setup.board,
        "commitment:create",
        **commitment_fields(stage.setup, title=MARKUP),
    )
    assert_refused(ack, "invalid", "title")
    snapshot = stage.facilitator.join(stage.setup.board)["snapshot"]
    assert "<script" not in json.dumps(snapshot)
    with live_server.seeder.app.app_context():
        try:
            titles = list(db.session.scalars(select(Commitment.title)))
        finally:
            db.session.remove()
    assert titles
    assert not any("<" in title for title in titles)
    # The open data (published pacts only) holds no markup either.
    url = live_server.servers[0].url
    for document in ("commitments.json", "commitments.csv"):
        response = requests.get(f"{url}/p/ilfov/open-data/{document}", timeout=10)
        assert response.status_code in (200, 404)
        assert "alert('pact')" not in response.text


def test_an_unknown_event_is_invalid(stage: Stage) -> None:
    ack = stage.author.ack("card:explode", {"board": stage.setup.board})
    assert_refused(ack, "invalid")
    assert ack["error"]["message"] == "no such event"


# --- raw packets ----------------------------------------------------------------------


def raw_call(client: BoardClient, body: str) -> Any:
    """Send `2/board,<ack id><body>` as it is, and wait for its ack (None when
    none came)."""
    answers: list[Any] = []
    arrived = threading.Event()

    def answered(*data: Any) -> None:
        answers.append(data[0] if data else None)
        arrived.set()

    ack_id = client._generate_ack_id(NAMESPACE, answered)
    client.eio.send(f"2{NAMESPACE},{ack_id}{body}")
    arrived.wait(ACK_TIMEOUT)
    return answers[0] if answers else None


def nested(depth: int) -> str:
    return '["join",' + "[" * depth + "]" * depth + "]"


UNREADABLE = {
    "nested 100,000 levels": nested(100_000),
    "nested 17 levels": nested(16),
    "broken JSON": '["card:create",{"board":1,',
    "a 5,000-digit number": '["join",{"board":' + "9" * 5000 + "}]",
    "an empty list": "[]",
    "an object": '{"board":1}',
    "a number for the event's name": "[5]",
    "no data": "",
}


@pytest.mark.parametrize("what", list(UNREADABLE))
def test_an_unreadable_packet_is_answered_invalid_and_the_connection_stays_usable(
    live_board: LiveBoard, live_server: LiveServers, stage: Stage, what: str
) -> None:
    client = live_board.joined(stage.setup.participants[1].token, stage.setup.board)
    ack = raw_call(client, UNREADABLE[what])
    assert isinstance(ack, dict), f"no ack for {what}"
    assert_refused(ack, "invalid")
    # The same connection still works.
    assert client.join(stage.setup.board)["ok"]
    assert_no_traceback(live_server)


def test_an_unreadable_packet_without_an_ack_id_is_dropped_and_the_server_stays_up(
    live_board: LiveBoard, live_server: LiveServers, stage: Stage
) -> None:
    client = live_board.joined(stage.setup.participants[1].token, stage.setup.board)
    client.eio.send(f"2{NAMESPACE}," + nested(100_000))
    assert client.join(stage.setup.board)["ok"]
    assert_no_traceback(live_server)


def wait_until_closed(ws: websocket.WebSocket) -> None:
    """Read until the server closes the connection (a ping may come first); a
    connection left open times out, which fails the test."""
    try:
        while ws.recv() != "":
            pass
    except websocket.WebSocketConnectionClosedException:
        pass


def test_a_frame_over_1_mb_closes_only_that_connection(
    live_server: LiveServers, stage: Stage
) -> None:
    url = live_server.servers[0].url.replace("http://", "ws://")
    ws = websocket.create_connection(
        f"{url}/socket.io/?EIO=4&transport=websocket", timeout=ACK_TIMEOUT
    )
    try:
        assert ws.recv().startswith("0")  # Engine.IO open
        token = stage.setup.participants[1].token
        ws.send(f"40{NAMESPACE}," + json.dumps({"token": token}))
        assert ws.recv().startswith(f"40{NAMESPACE},")
        ws.send(f"42{NAMESPACE},1" + json.dumps(["join", {"x": "a" * 1_100_000}]))
        wait_until_closed(ws)
    finally:
        ws.close()
        ws.shutdown()  # close() leaves the socket open when the server closed first
    assert stage.author.join(stage.setup.board)["ok"]
    assert_no_traceback(live_server)
