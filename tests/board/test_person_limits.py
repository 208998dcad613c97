"""Socket limits per person and board, against a really served app: one person's
changes share one rate however many sockets they open, a person holds at most
BOARD_CONNECTIONS_PER_PERSON connections to a board (one more is refused at connect
or at join with `too_many_connections`), and another person on the same board is
not affected by either; with two processes and Redis, the rate and the places are
shared by the processes."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import socketio

from core.choices import EVENT_BURST, EVENTS_PER_SECOND
from tests.board.conftest import (
    NAMESPACE,
    WAIT_TIMEOUT,
    BoardClient,
    LiveBoard,
    LiveServers,
    in_threads,
    new_cid,
    served,
    watched,
)
from tests.board.test_scaled_out import scaled_board, two_servers  # noqa: F401

SOCKETS = 10
CARDS_PER_SOCKET = 60
CONNECTIONS = 5  # the default of BOARD_CONNECTIONS_PER_PERSON


@pytest.fixture(scope="module")
def roomy_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServers]:
    """A server that lets a person hold ten connections to a board, so that ten
    sockets of one person can all send."""
    folder = tmp_path_factory.mktemp("person_limits")
    with served(folder, BOARD_CONNECTIONS_PER_PERSON=str(SOCKETS)) as live:
        yield live


@pytest.fixture
def roomy(roomy_server: LiveServers) -> Iterator[LiveBoard]:
    with watched(roomy_server) as board:
        yield board


def flood(client: BoardClient, board: int, theme: int, count: int) -> list[Any]:
    """Send `count` cards at once; the acks (in any order) once all came."""
    acks: list[Any] = []
    done = threading.Event()

    def record(ack: Any) -> None:
        acks.append(ack)
        if len(acks) == count:
            done.set()

    for n in range(count):
        payload = {"board": board, "cid": new_cid(), "theme": theme, "text": f"F{n}"}
        client.emit("card:create", payload, namespace=NAMESPACE, callback=record)
    assert done.wait(30), f"{len(acks)} of {count} acks"
    return acks


def test_ten_sockets_of_one_person_get_no_more_than_one_person_s_rate(
    roomy: LiveBoard,
):
    setup = roomy.new_board(2)
    roomy.set_phase(setup, "ideas")
    flooder, bystander = setup.participants
    sockets = [roomy.joined(flooder.token, setup.board) for _n in range(SOCKETS)]
    other = roomy.joined(bystander.token, setup.board)
    started = time.monotonic()

    results: list[list[Any]] = [[] for _socket in sockets]
    threads = [
        threading.Thread(
            target=lambda n=n: results[n].extend(
                flood(sockets[n], setup.board, setup.themes[0], CARDS_PER_SOCKET)
            )
        )
        for n in range(SOCKETS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    elapsed = time.monotonic() - started
    bystander_ack = other.change(
        setup.board, "card:create", theme=setup.themes[0], text="Mine"
    )

    acks = [ack for result in results for ack in result]
    accepted = [ack for ack in acks if ack["ok"]]
    refused = {ack["error"]["code"] for ack in acks if not ack["ok"]}
    assert len(acks) == SOCKETS * CARDS_PER_SOCKET
    assert refused == {"rate_limited"}
    # One bucket: its burst and what refilled meanwhile, however many sockets sent
    # (per connection, ten sockets would get ten bursts: 400 and more).
    assert EVENT_BURST <= len(accepted) <= EVENT_BURST + EVENTS_PER_SECOND * elapsed + 1
    assert len(accepted) < SOCKETS * EVENT_BURST, (len(accepted), elapsed)
    assert bystander_ack["ok"], bystander_ack


def open_for_board(
    live_board: LiveBoard, token: str, board: int
) -> tuple[BoardClient, bool]:
    """A connection naming its board in `auth`, as the board page opens it; whether
    the server accepted it."""
    client = live_board.client()
    try:
        client.connect(
            live_board.url,
            namespaces=[NAMESPACE],
            transports=["websocket"],
            auth={"token": token, "board": board},
            wait_timeout=WAIT_TIMEOUT,
        )
    except socketio.exceptions.ConnectionError:
        return client, False
    return client, True


def test_the_sixth_connection_of_a_person_to_a_board_is_refused(
    live_board: LiveBoard,
):
    setup = live_board.new_board(2)
    person, neighbour = setup.participants
    held = [open_for_board(live_board, person.token, setup.board) for _n in range(5)]
    assert [accepted for _client, accepted in held] == [True] * CONNECTIONS
    assert all(client.join(setup.board)["ok"] for client, _accepted in held)

    sixth, accepted = open_for_board(live_board, person.token, setup.board)
    unnamed = live_board.connect(person.token)  # names no board: refused at join
    joined = unnamed.join(setup.board)

    assert not accepted
    (error,) = sixth.connect_errors
    assert error["data"]["code"] == "too_many_connections"
    assert joined["ok"] is False
    assert joined["error"]["code"] == "too_many_connections"
    assert open_for_board(live_board, neighbour.token, setup.board)[1]
    assert live_board.joined(neighbour.token, setup.board)


def test_a_place_is_free_again_once_a_connection_closes_or_leaves(
    live_board: LiveBoard,
):
    setup = live_board.new_board(1)
    (person,) = setup.participants
    held = [live_board.joined(person.token, setup.board) for _n in range(CONNECTIONS)]
    assert live_board.connect(person.token).join(setup.board)["ok"] is False

    held[0].disconnect()
    assert held[1].ack("leave", {"board": setup.board})["ok"]

    again = [
        eventually_joined(live_board, person.token, setup.board) for _n in range(2)
    ]
    assert all(again)
    assert live_board.connect(person.token).join(setup.board)["ok"] is False


def eventually_joined(live_board: LiveBoard, token: str, board: int) -> bool:
    """Joined within a few seconds (the server hears of a closed socket a moment
    after the client closed it)."""
    deadline = time.monotonic() + 5
    client = live_board.connect(token)
    while time.monotonic() < deadline:
        if client.join(board)["ok"]:
            return True
        time.sleep(0.1)
    return False


def test_the_limit_is_per_board_a_facilitator_opens_many_boards(
    live_board: LiveBoard,
):
    boards = [live_board.new_board(1) for _n in range(CONNECTIONS + 2)]

    joined = [live_board.joined(setup.facilitator, setup.board) for setup in boards]

    assert len(joined) == CONNECTIONS + 2


def test_across_two_processes_a_person_shares_one_rate_and_one_set_of_places(
    scaled_board: LiveBoard,  # noqa: F811
):
    setup = scaled_board.new_board(2)
    scaled_board.set_phase(setup, "ideas")
    person, neighbour = setup.participants
    sockets = [
        scaled_board.joined(person.token, setup.board, server=n % 2)
        for n in range(CONNECTIONS)
    ]
    one_more = [
        scaled_board.connect(person.token, server=n).join(setup.board) for n in (0, 1)
    ]
    started = time.monotonic()

    results = in_threads(
        [
            lambda client=client: flood(client, setup.board, setup.themes[0], 40)
            for client in sockets
        ]
    )
    elapsed = time.monotonic() - started

    assert [ack["error"]["code"] for ack in one_more] == ["too_many_connections"] * 2
    accepted = [ack for acks in results for ack in acks if ack["ok"]]
    assert EVENT_BURST <= len(accepted) <= EVENT_BURST + EVENTS_PER_SECOND * elapsed + 1
    assert scaled_board.joined(neighbour.token, setup.board, server=1).change(
        setup.board, "card:create", theme=setup.themes[0], text="Mine"
    )["ok"]
