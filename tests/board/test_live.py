"""The live board's acceptance criteria against a real `python app.py` over real
WebSockets: ordered, gap-free, exactly-once delivery to every client; idempotent
`cid`s; optimistic versions under a real race; catch-up after a disconnection;
removal; presence; snapshots; refused connections; and one scenario that drives every
PROTOCOL event through its handler."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

import pytest
import socketio
import websocket

from tests.board.conftest import (
    BoardClient,
    BoardSetup,
    LiveBoard,
    consecutive,
    in_threads,
    new_cid,
)
from tests.board.protocol import PROTOCOL_NAMES, PROTOCOL_REQUESTS
from workshops.board.path import MAX_REPLAY

SETTLE = 0.3  # time for a stray duplicate to arrive after the last expected event


def create_cards(client: BoardClient, board: int, theme: int, count: int) -> list[int]:
    """`count` cards, one after the other; the seqs of their acks."""
    seqs = []
    for n in range(count):
        ack = client.change(board, "card:create", theme=theme, text=f"Idea {n}")
        assert ack["ok"], ack
        seqs.append(ack["seq"])
    return seqs


def ideas_board(live_board: LiveBoard, participants: int = 4) -> BoardSetup:
    setup = live_board.new_board(participants)
    live_board.set_phase(setup, "ideas")
    return setup


def assert_received_exactly(client: BoardClient, board: int, seqs: list[int]) -> None:
    assert client.wait_for_seq(board, seqs[-1]), f"stopped at {client.seqs(board)}"
    time.sleep(SETTLE)
    assert client.seqs(board) == seqs


def test_every_client_receives_every_event_once_in_seq_order_without_gaps(
    live_board: LiveBoard,
):
    setup = live_board.new_board(3)
    facilitator = live_board.joined(setup.facilitator, setup.board)
    people = [live_board.joined(p.token, setup.board) for p in setup.participants]
    assert facilitator.change(setup.board, "board:phase", phase="ideas")["seq"] == 1

    sent = in_threads(
        [
            lambda client=client: create_cards(client, setup.board, setup.themes[0], 8)
            for client in people
        ]
    )

    ack_seqs = sorted(seq for seqs in sent for seq in seqs)
    assert ack_seqs == consecutive(2, 25)
    for client in [facilitator, *people]:
        assert_received_exactly(client, setup.board, consecutive(1, 25))
    events = facilitator.events_of(setup.board)
    assert {e["type"] for e in events[1:]} == {"card:create"}
    first = events[1]
    assert set(first) >= {"board", "seq", "type", "actor", "data", "at"}
    assert set(first["actor"]) >= {"id", "name", "organisation"}
    assert datetime.fromisoformat(first["at"]).utcoffset() is not None
    assert first["data"]["card"]["board"] == setup.board


def test_a_repeated_cid_is_answered_with_the_first_ack_and_applied_once(
    live_board: LiveBoard,
):
    setup = ideas_board(live_board, 1)
    author = setup.participants[0].token
    observer = live_board.joined(setup.facilitator, setup.board)
    first, second = (live_board.joined(author, setup.board) for _n in range(2))
    payload = {"board": setup.board, "cid": new_cid(), "theme": setup.themes[0]}

    original = first.ack("card:create", {**payload, "text": "Shared pallets"})
    again = first.ack("card:create", {**payload, "text": "Something else"})
    racing = in_threads(
        [
            lambda: first.ack("card:create", {**payload, "text": "Racing one"}),
            lambda: second.ack("card:create", {**payload, "text": "Racing two"}),
        ]
    )
    marker = observer.change(setup.board, "board:timer", seconds=60)

    assert original["ok"]
    assert original["seq"] == 2
    assert again == original
    assert racing == [original, original]
    assert marker["seq"] == 3
    assert_received_exactly(observer, setup.board, [2, 3])
    cards = observer.join(setup.board)["snapshot"]["cards"]
    assert [card["text"] for card in cards] == ["Shared pallets"]


def test_two_updates_of_the_same_version_at_once_give_one_ok_and_one_conflict(
    live_board: LiveBoard,
):
    setup = ideas_board(live_board, 1)
    author = live_board.joined(setup.participants[0].token, setup.board)
    facilitator = live_board.joined(setup.facilitator, setup.board)
    card = author.change(
        setup.board, "card:create", theme=setup.themes[0], text="Draft"
    )["card"]

    acks = in_threads(
        [
            lambda client=client, text=text: client.change(
                setup.board, "card:update", card=card["id"], version=1, text=text
            )
            for client, text in ((author, "By the author"), (facilitator, "By Filip"))
        ]
    )

    winners = [ack for ack in acks if ack["ok"]]
    losers = [ack for ack in acks if not ack["ok"]]
    assert (len(winners), len(losers)) == (1, 1), acks
    error = losers[0]["error"]
    assert error["code"] == "conflict"
    assert error["current"]["id"] == card["id"]
    assert error["current"]["version"] == 2
    assert error["current"]["text"] == winners[0]["card"]["text"]


def test_a_client_back_from_a_disconnection_gets_exactly_the_events_it_missed(
    live_board: LiveBoard,
):
    setup = ideas_board(live_board, 4)
    facilitator = live_board.joined(setup.facilitator, setup.board)
    away = live_board.joined(setup.participants[3].token, setup.board)
    last_seen = away.join(setup.board)["seq"]
    away.disconnect()
    # Three writers: 100 changes at once, and each stays within its burst allowance.
    writers = [live_board.joined(p.token, setup.board) for p in setup.participants[:3]]

    in_threads(
        [
            lambda client=client, count=count: create_cards(
                client, setup.board, setup.themes[1], count
            )
            for client, count in zip(writers, (34, 33, 33), strict=True)
        ]
    )
    assert facilitator.wait_for_seq(setup.board, last_seen + 100)
    back = live_board.connect(setup.participants[3].token)
    ack = back.join(setup.board, since=last_seen)

    assert ack["ok"]
    assert ack["mode"] == "events"
    assert ack["seq"] == last_seen + 100
    assert [e["seq"] for e in ack["events"]] == consecutive(
        last_seen + 1, last_seen + 100
    )
    assert {e["type"] for e in ack["events"]} == {"card:create"}
    assert ack["events"] == facilitator.events_of(setup.board)[-100:]


def test_a_removed_participant_is_told_cut_off_and_refused_on_rejoining(
    live_board: LiveBoard,
):
    setup = ideas_board(live_board, 2)
    facilitator = live_board.joined(setup.facilitator, setup.board)
    removed = setup.participants[1]
    victim = live_board.joined(removed.token, setup.board)

    ack = facilitator.change(
        setup.board, "participant:remove", person=removed.person, reason="Off topic"
    )

    assert ack["ok"], ack
    assert victim.wait_until(lambda: bool(victim.removed) and victim.disconnects > 0)
    assert victim.removed == [{"board": setup.board, "reason": "Off topic"}]
    assert facilitator.wait_for_seq(setup.board, ack["seq"])
    event = facilitator.events_of(setup.board)[-1]
    assert event["type"] == "participant:remove"
    assert event["data"]["person"] == removed.person
    again = live_board.connect(removed.token)
    refused = again.join(setup.board)
    assert refused["ok"] is False
    assert refused["error"]["code"] == "unauthorized"
    still_here = live_board.joined(setup.participants[0].token, setup.board)
    assert still_here.join(setup.board)["ok"]


def people_in(client: BoardClient, board: int) -> list[set[int]]:
    return [
        {person["id"] for person in message["people"]}
        for message in client.presence
        if message["board"] == board
    ]


def test_presence_lists_the_people_connected_as_they_join_and_leave(
    live_board: LiveBoard,
):
    setup = live_board.new_board(2)
    first, second = setup.participants
    facilitator = live_board.joined(setup.facilitator, setup.board)
    assert facilitator.wait_until(lambda: len(people_in(facilitator, setup.board)) == 1)
    staff_id = next(iter(people_in(facilitator, setup.board)[0]))
    one = live_board.joined(first.token, setup.board)
    two = live_board.joined(second.token, setup.board)
    assert facilitator.wait_until(
        lambda: (
            people_in(facilitator, setup.board)[-1]
            == {staff_id, first.person, second.person}
        )
    )
    everyone = facilitator.presence[-1]["people"]
    assert all(set(p) >= {"id", "name", "organisation", "role"} for p in everyone)
    roles = {p["id"]: p["role"] for p in everyone}
    assert roles == {
        staff_id: "facilitator",
        first.person: "participant",
        second.person: "participant",
    }

    assert one.ack("leave", {"board": setup.board}) == {"ok": True}
    assert facilitator.wait_until(
        lambda: people_in(facilitator, setup.board)[-1] == {staff_id, second.person}
    )
    two.disconnect()
    assert facilitator.wait_until(
        lambda: people_in(facilitator, setup.board)[-1] == {staff_id}
    )


SNAPSHOT_KEYS = {"board", "cards", "commitments", "votes", "presence"}


def test_joining_from_beyond_the_boards_seq_gives_a_snapshot(live_board: LiveBoard):
    setup = ideas_board(live_board, 1)
    author = live_board.joined(setup.participants[0].token, setup.board)
    card = author.change(
        setup.board, "card:create", theme=setup.themes[0], text="Solar roofs"
    )

    ack = live_board.connect(setup.facilitator).join(
        setup.board, since=card["seq"] + 50
    )

    assert ack["ok"]
    assert ack["mode"] == "snapshot"
    assert ack["seq"] == card["seq"]
    snapshot = ack["snapshot"]
    assert set(snapshot) >= SNAPSHOT_KEYS
    assert snapshot["board"]["id"] == setup.board
    assert snapshot["board"]["seq"] == card["seq"]
    assert snapshot["board"]["phase"] == "ideas"
    assert snapshot["cards"] == [card["card"]]
    assert snapshot["commitments"] == []
    assert set(snapshot["votes"]) >= {"mine", "totals"}
    assert {p["id"] for p in snapshot["presence"]} >= {card["card"]["author"]["id"]}


def test_joining_further_behind_than_the_replay_limit_gives_a_snapshot(
    live_board: LiveBoard,
):
    setup = ideas_board(live_board, 1)
    live_board.seeder.set_board_seq(setup.board, MAX_REPLAY + 50)
    author = live_board.joined(setup.participants[0].token, setup.board)
    card = author.change(
        setup.board, "card:create", theme=setup.themes[0], text="Bikes"
    )

    behind = live_board.connect(setup.facilitator).join(setup.board, since=10)
    within = live_board.connect(setup.facilitator).join(
        setup.board, since=card["seq"] - 1
    )

    assert card["seq"] == MAX_REPLAY + 51
    assert behind["mode"] == "snapshot"
    assert set(behind["snapshot"]) >= SNAPSHOT_KEYS
    assert behind["snapshot"]["cards"] == [card["card"]]
    assert within["mode"] == "events"
    assert [e["seq"] for e in within["events"]] == [card["seq"]]


@pytest.mark.parametrize(
    "token", [None, "", "not-a-token", "eyJwIjoxLCJ3IjoxfQ.forged"], ids=repr
)
def test_connecting_without_a_valid_identity_is_refused_as_unauthorized(
    live_board: LiveBoard, token: str | None
):
    client = live_board.client()

    with pytest.raises(socketio.exceptions.ConnectionError):
        client.open(live_board.url, token)

    assert not client.connected
    assert len(client.connect_errors) == 1
    error = client.connect_errors[0]
    assert error["data"]["code"] == "unauthorized"
    assert error["data"]["message"]


def engineio_open_packet(url: str, origin: str) -> str:
    """What the server says first on a raw WebSocket from `origin`: the Engine.IO
    open packet ("0{...}") when accepted, "" when the socket is closed at once."""
    endpoint = url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket"
    ws = websocket.create_connection(endpoint, origin=origin, timeout=5)
    try:
        return str(ws.recv())
    except websocket.WebSocketConnectionClosedException:
        return ""
    finally:
        ws.shutdown()


def test_a_websocket_from_another_origin_is_refused(live_board: LiveBoard):
    assert engineio_open_packet(live_board.url, "http://evil.example") == ""
    assert engineio_open_packet(live_board.url, live_board.url).startswith('0{"sid"')


def test_a_polling_connection_from_another_origin_is_refused(live_board: LiveBoard):
    setup = live_board.new_board(1)
    evil = live_board.client()

    with pytest.raises(socketio.exceptions.ConnectionError):
        evil.open(
            live_board.url,
            setup.facilitator,
            headers={"Origin": "http://evil.example"},
            transport="polling",
        )

    own = live_board.client()
    own.open(
        live_board.url,
        setup.facilitator,
        headers={"Origin": live_board.url},
        transport="polling",
    )
    assert own.join(setup.board)["ok"]


class Scenario:
    """Sends events and remembers which PROTOCOL names were sent and acked."""

    def __init__(self, board: int) -> None:
        self.board = board
        self.acked: set[str] = set()

    def send(self, client: BoardClient, event: str, **fields: Any) -> dict[str, Any]:
        if event in ("join", "leave", *PROTOCOL_REQUESTS):
            ack = client.ack(event, {"board": self.board, **fields})
        else:
            ack = client.change(self.board, event, **fields)
        assert isinstance(ack.get("ok"), bool), f"{event}: {ack}"
        self.acked.add(event)
        return ack

    def ok(self, client: BoardClient, event: str, **fields: Any) -> dict[str, Any]:
        ack = self.send(client, event, **fields)
        assert ack["ok"], f"{event}: {ack}"
        return ack

    def refused(self, client: BoardClient, event: str, **fields: Any) -> str:
        ack = self.send(client, event, **fields)
        assert not ack["ok"], f"{event} should have been refused: {ack}"
        return str(ack["error"]["code"])


def test_every_protocol_event_reaches_its_handler_and_acks_through_a_workshop(
    live_board: LiveBoard,
):
    setup = live_board.new_board(3)
    lead, cosigner, leaver = setup.participants
    facilitator = live_board.connect(setup.facilitator)
    maria = live_board.connect(lead.token)
    ion = live_board.connect(cosigner.token)
    run = Scenario(setup.board)
    for client in (facilitator, maria, ion):
        run.ok(client, "join")
    theme, other_theme = setup.themes[:2]

    # ideas: participants write, edit and delete their own cards, and comment
    run.ok(facilitator, "board:phase", phase="ideas")
    reuse = run.ok(maria, "card:create", theme=theme, text="Reuse pallets")["card"]
    bins = run.ok(ion, "card:create", theme=theme, text="Shared bins", kind="need")
    bins = bins["card"]
    typo = run.ok(maria, "card:create", theme=theme, text="Tpyo")["card"]
    twin = run.ok(maria, "card:create", theme=theme, text="Pallet reuse")["card"]
    reuse = run.ok(
        maria, "card:update", card=reuse["id"], version=1, text="Reuse pallets!"
    )["card"]
    assert reuse["version"] == 2
    run.ok(maria, "card:delete", card=typo["id"], version=typo["version"])
    comment = run.ok(ion, "comment:add", card=reuse["id"], text="Yes!")["comment"]
    assert comment["card"] == reuse["id"]
    # breakout groups, formed and ended (tests/board/test_breakout.py has the rest)
    groups = run.ok(facilitator, "breakout:start", groups=2)["groups"]
    assert [group["no"] for group in groups] == [1, 2]
    run.ok(facilitator, "breakout:end")

    # cluster: the facilitator moves, hides and merges
    run.ok(facilitator, "board:phase", phase="cluster")
    moved = run.ok(
        facilitator,
        "card:move",
        card=bins["id"],
        version=bins["version"],
        theme=other_theme,
        cluster=reuse["id"],
    )["card"]
    assert (moved["theme"], moved["cluster"]) == (other_theme, reuse["id"])
    assert run.ok(facilitator, "card:hide", card=twin["id"], hidden=True)["card"][
        "hidden"
    ]
    run.ok(facilitator, "card:hide", card=twin["id"], hidden=False)
    merged = run.ok(facilitator, "card:merge", cards=[twin["id"]], into=reuse["id"])
    assert merged["card"]["id"] == reuse["id"]
    assert "seq" not in run.ok(facilitator, "cluster:suggest")

    # draft: a commitment, then an amendment
    run.ok(facilitator, "board:phase", phase="draft")
    commitment = run.ok(
        maria,
        "commitment:create",
        title="Reusable pallets by 2027",
        action="Switch to a pallet pool",
        theme=theme,
        lead=lead.organisation,
        indicator={"name": "Pallets reused", "unit": "%", "baseline": 10, "target": 80},
        deadline="2027-06-30",
        support_requested="A pallet pool operator",
        source_cards=[reuse["id"]],
    )["commitment"]
    assert commitment["source_cards"] == [reuse["id"]]
    commitment = run.ok(
        maria,
        "commitment:update",
        commitment=commitment["id"],
        version=commitment["version"],
        title="Reusable pallets by mid-2027",
    )["commitment"]
    assert commitment["version"] == 2

    # vote: five votes, then the budget is spent; a retraction gives one back
    run.ok(facilitator, "board:phase", phase="vote")
    settings = run.ok(facilitator, "vote:settings", budget=5, per_card=5)["board"]
    assert (settings["vote_budget"], settings["vote_per_card"]) == (5, 5)
    left = [run.ok(ion, "vote:cast", card=reuse["id"])["votes_left"] for _n in range(5)]
    assert left == [4, 3, 2, 1, 0]
    assert run.refused(ion, "vote:cast", card=reuse["id"]) == "vote_budget"
    assert run.ok(ion, "vote:retract", card=reuse["id"])["votes_left"] == 1
    revealed = run.ok(facilitator, "vote:reveal", revealed=True)["board"]
    assert revealed["votes_revealed"] is True
    target = {"type": "card", "id": reuse["id"]}
    assert (
        run.ok(facilitator, "board:spotlight", target=target)["board"]["spotlight"]
        == target
    )
    run.ok(facilitator, "board:spotlight", target=None)

    # facilitator controls: lock, timer
    assert run.ok(facilitator, "board:lock", locked=True)["board"]["locked"] is True
    assert run.refused(ion, "vote:cast", card=reuse["id"]) == "locked"
    run.ok(facilitator, "board:lock", locked=False)
    timed = run.ok(facilitator, "board:timer", seconds=300)["board"]
    assert datetime.fromisoformat(timed["timer_ends_at"]).utcoffset() is not None
    assert (
        run.ok(facilitator, "board:timer", seconds=None)["board"]["timer_ends_at"]
        is None
    )

    # sign: each organisation signs for itself
    run.ok(facilitator, "board:phase", phase="sign")
    signature = run.ok(maria, "commitment:sign", commitment=commitment["id"])
    assert signature["signature"]["organisation"]["id"] == lead.organisation
    run.ok(ion, "commitment:sign", commitment=commitment["id"])
    run.ok(facilitator, "participant:remove", person=leaver.person, reason="Left")

    # closed: read-only for all but board:phase
    run.ok(facilitator, "board:phase", phase="closed")
    assert run.refused(maria, "card:create", theme=theme, text="Late") == "phase"
    run.ok(maria, "leave")

    assert run.acked == PROTOCOL_NAMES
    final = facilitator.join(setup.board)
    assert facilitator.wait_for_seq(setup.board, final["seq"])
    time.sleep(SETTLE)
    assert facilitator.seqs(setup.board) == consecutive(1, final["seq"])
    broadcast = {e["type"] for e in facilitator.events_of(setup.board)}
    assert broadcast == PROTOCOL_NAMES - {"join", "leave", *PROTOCOL_REQUESTS}
    closed = final["snapshot"]
    assert closed["board"]["phase"] == "closed"
    signed = closed["commitments"][0]
    # Signed in the room by its lead, it stays a proposal until an official agrees it.
    assert signed["status"] == "draft"
    assert {s["organisation"]["id"] for s in signed["signatures"]} == {
        lead.organisation,
        cosigner.organisation,
    }
