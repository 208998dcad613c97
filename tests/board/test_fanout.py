"""The board's fan-out against a real `python app.py`: a busy board's events reach
clients batched (fewer frames than events, in seq order, without gaps, hidden cards
still redacted for participants), and a client that stops reading is cut off once
its queue passes the limit, while the room goes on and it catches up with `since`."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.board.conftest import (
    BoardClient,
    BoardSetup,
    LiveBoard,
    LiveServers,
    consecutive,
    in_threads,
    served,
    watched,
)

QUEUE_LIMIT = 5


@pytest.fixture(scope="module")
def short_queue_server(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LiveServers]:
    """A server that cuts off clients more than five frames behind."""
    directory = tmp_path_factory.mktemp("fanout")
    with served(directory, BOARD_CLIENT_QUEUE_LIMIT=str(QUEUE_LIMIT)) as live:
        yield live


@pytest.fixture
def board(short_queue_server: LiveServers) -> Iterator[LiveBoard]:
    with watched(short_queue_server) as live:
        yield live


def in_ideas(board: LiveBoard, participants: int) -> tuple[BoardSetup, BoardClient]:
    """A new board in the ideas phase, and its facilitator's client."""
    setup = board.new_board(participants)
    facilitator = board.joined(setup.facilitator, setup.board)
    assert facilitator.change(setup.board, "board:phase", phase="ideas")["ok"]
    return setup, facilitator


def burst(client: Any, board: int, theme: int, count: int) -> list[int]:
    """`count` cards as fast as the connection's burst allows; the acks' seqs."""
    acks = [
        client.change(board, "card:create", theme=theme, text=f"Burst {n}")
        for n in range(count)
    ]
    assert all(ack["ok"] for ack in acks), acks
    return [ack["seq"] for ack in acks]


def test_a_busy_board_reaches_everyone_in_fewer_frames_than_events_in_order(
    board: LiveBoard,
):
    setup, facilitator = in_ideas(board, 4)
    writers = [board.joined(seat.token, setup.board) for seat in setup.participants]
    watcher = board.joined(setup.participants[0].token, setup.board)
    frames_before = watcher.frames

    in_threads(
        [
            lambda writer=writer: burst(writer, setup.board, setup.themes[0], 30)
            for writer in writers
        ]
    )

    last = 1 + 4 * 30
    assert watcher.wait_for_seq(setup.board, last)
    time.sleep(0.3)
    assert watcher.seqs(setup.board) == consecutive(2, last)
    received = watcher.frames - frames_before
    assert received < (last - 1) / 2, f"{received} frames for {last - 1} events"


def test_in_a_batch_a_hidden_card_reaches_participants_without_its_words(
    board: LiveBoard,
):
    setup, facilitator = in_ideas(board, 2)
    participant = board.joined(setup.participants[1].token, setup.board)
    author = board.joined(setup.participants[0].token, setup.board)
    card = author.change(
        setup.board, "card:create", theme=setup.themes[0], text="Rude words"
    )["card"]

    def hide_amid_cards() -> None:
        facilitator.change(setup.board, "card:hide", card=card["id"], hidden=True)

    acks = in_threads(
        [
            lambda: burst(author, setup.board, setup.themes[0], 10),
            hide_amid_cards,
        ]
    )

    last = 2 + 10 + 1
    assert participant.wait_for_seq(setup.board, last)
    assert facilitator.wait_for_seq(setup.board, last)
    assert acks[0] is not None
    hidden_for = {
        name: [
            e["data"]["card"]
            for e in client.events_of(setup.board)
            if e["type"] == "card:hide"
        ]
        for name, client in (("participant", participant), ("facilitator", facilitator))
    }
    assert hidden_for["participant"][0]["text"] == ""
    assert hidden_for["participant"][0]["author"] is None
    assert hidden_for["facilitator"][0]["text"] == "Rude words"


class StalledPoller:
    """A long-polling Engine.IO session that joins a board and then stops asking
    for what the server has for it, as a phone in a pocket does."""

    def __init__(self, url: str, token: str, board: int) -> None:
        self.http = requests.Session()
        self.http.trust_env = False
        base = f"{url}/socket.io/?EIO=4&transport=polling"
        opened = self.http.get(base, timeout=5).text
        self.url = f"{base}&sid={json.loads(opened[1:])['sid']}"
        self.send("40/board," + json.dumps({"token": token}))
        self.receive_until("40/board,")
        self.send("42/board,1" + json.dumps(["join", {"board": board}]))
        joined = self.receive_until("43/board,1")
        self.seq = json.loads(joined[len("43/board,1") :])[0]["seq"]

    def send(self, packet: str) -> None:
        assert self.http.post(self.url, data=packet, timeout=5).status_code == 200

    def receive_until(self, prefix: str) -> str:
        """Poll until a packet starting with `prefix` comes (a poll may bring
        several, separated by the record separator); that packet."""
        for _poll in range(10):
            packets = self.http.get(self.url, timeout=10).text.split("\x1e")
            found = [packet for packet in packets if packet.startswith(prefix)]
            if found:
                return found[0]
        raise AssertionError(f"no {prefix!r} packet came")

    def gone(self) -> bool:
        """Whether the server has closed the session (asking drains nothing left)."""
        for _attempt in range(3):
            answer = self.http.get(self.url, timeout=10)
            if answer.status_code == 400:
                return True
        return False


def test_a_client_that_stops_reading_is_cut_off_and_the_room_goes_on(
    board: LiveBoard,
):
    setup, facilitator = in_ideas(board, 2)
    listener = board.joined(setup.participants[1].token, setup.board)
    stalled = StalledPoller(board.url, setup.participants[0].token, setup.board)

    seqs = []
    for n in range(4 * QUEUE_LIMIT):
        ack = facilitator.change(
            setup.board, "card:create", theme=setup.themes[0], text=f"#{n}"
        )
        # The room hears each change while the stalled client's queue grows.
        assert listener.wait_for_seq(setup.board, ack["seq"])
        seqs.append(ack["seq"])
        time.sleep(0.08)  # each event its own frame: the stalled queue grows

    assert stalled.gone()
    # The page reconnects and catches up from the last event it applied.
    caught_up = board.joined(setup.participants[0].token, setup.board)
    ack = caught_up.join(setup.board, since=stalled.seq)
    assert ack["mode"] == "events"
    assert [e["seq"] for e in ack["events"]] == consecutive(stalled.seq + 1, seqs[-1])
