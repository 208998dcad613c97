"""The scaled-out topology: two `python app.py` processes on different ports, one
PostgreSQL database and a Redis message queue. Clients on either server receive every
change made through either server, once each, in seq order, and the seqs stay
gap-free while both servers write to the same board at once."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.board.conftest import (
    BoardClient,
    LiveBoard,
    LiveServers,
    Seeder,
    consecutive,
    in_threads,
    isolate_board_ids,
    new_cid,
    server_env,
    start_servers,
    stop_server,
    watched,
)
from tests.conftest import TEST_REDIS_URL, redis_available, require_service

CARDS_PER_SERVER = 50
PRESENCE_TTL = 2.0  # seconds; the servers' heartbeat refreshes every third of it


@pytest.fixture
def two_servers(postgres_url: str, tmp_path: Path) -> Iterator[LiveServers]:
    require_service(redis_available(), "Redis (TEST_REDIS_URL)")
    seeder = Seeder(postgres_url)
    try:
        isolate_board_ids(seeder)
        # A plain postgresql:// URL, as operators write it; the app picks psycopg 3.
        plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
        env = server_env(
            plain,
            SOCKETIO_MESSAGE_QUEUE=TEST_REDIS_URL,
            PRESENCE_TTL_SECONDS=str(PRESENCE_TTL),
        )
        servers = start_servers(env, tmp_path, count=2)
        try:
            yield LiveServers(servers, seeder)
        finally:
            for server in servers:
                stop_server(server)
    finally:
        seeder.close()


@pytest.fixture
def scaled_board(two_servers: LiveServers) -> Iterator[LiveBoard]:
    with watched(two_servers) as board:
        yield board


def create_paced(client: BoardClient, board: int, theme: int, count: int) -> list[int]:
    """Create cards one after the other, waiting and resending (same `cid`) whenever
    the rate limit answers, as a well-behaved client does; the seqs of the acks."""
    seqs = []
    for n in range(count):
        payload = {"board": board, "cid": new_cid(), "theme": theme, "text": f"#{n}"}
        ack = client.ack("card:create", payload)
        while not ack["ok"] and ack["error"]["code"] == "rate_limited":
            time.sleep(0.05)
            ack = client.ack("card:create", payload)
        assert ack["ok"], ack
        seqs.append(ack["seq"])
    return seqs


def test_clients_on_both_servers_get_every_change_once_in_order_while_both_write(
    scaled_board: LiveBoard,
):
    setup = scaled_board.new_board(2)
    watchers = [
        scaled_board.joined(setup.facilitator, setup.board, server=n) for n in (0, 1)
    ]
    writers = [
        scaled_board.joined(seat.token, setup.board, server=n)
        for n, seat in enumerate(setup.participants)
    ]
    assert watchers[1].change(setup.board, "board:phase", phase="ideas")["seq"] == 1

    sent = in_threads(
        [
            lambda client=client: create_paced(
                client, setup.board, setup.themes[0], CARDS_PER_SERVER
            )
            for client in writers
        ]
    )

    last = 1 + 2 * CARDS_PER_SERVER
    assert sorted(sent[0] + sent[1]) == consecutive(2, last)
    for client in watchers + writers:
        assert client.wait_for_seq(setup.board, last), client.seqs(setup.board)
    time.sleep(0.3)
    for n, client in enumerate(watchers + writers):
        assert client.seqs(setup.board) == consecutive(1, last), f"client {n}"
    authors = {
        e["seq"]: e["actor"]["id"] for e in watchers[0].events_of(setup.board)[1:]
    }
    for seat, seqs in zip(setup.participants, sent, strict=True):
        assert {authors[seq] for seq in seqs} == {seat.person}


def test_presence_lists_the_people_connected_through_either_server(
    scaled_board: LiveBoard,
):
    setup = scaled_board.new_board(2)
    first, second = setup.participants
    here = scaled_board.joined(first.token, setup.board, server=0)
    there = scaled_board.joined(second.token, setup.board, server=1)
    both = {first.person, second.person}

    def latest(client: BoardClient) -> set[int]:
        people = [m["people"] for m in client.presence if m["board"] == setup.board]
        return {person["id"] for person in people[-1]} if people else set()

    assert here.wait_until(lambda: latest(here) == both, timeout=3), here.presence
    assert there.wait_until(lambda: latest(there) == both, timeout=3), there.presence
    snapshot = scaled_board.connect(setup.facilitator, server=1).join(setup.board)
    assert {p["id"] for p in snapshot["snapshot"]["presence"]} >= both


def test_a_participant_removed_through_the_other_server_is_cut_off(
    scaled_board: LiveBoard,
):
    setup = scaled_board.new_board(2)
    facilitator = scaled_board.joined(setup.facilitator, setup.board, server=0)
    removed, present = setup.participants
    victim = scaled_board.joined(removed.token, setup.board, server=1)
    staying = scaled_board.joined(present.token, setup.board, server=1)

    ack = facilitator.change(
        setup.board, "participant:remove", person=removed.person, reason="Spam"
    )

    assert ack["ok"], ack
    assert victim.wait_until(lambda: bool(victim.removed))
    assert victim.removed == [{"board": setup.board, "reason": "Spam"}]
    cut_off = victim.wait_until(lambda: victim.disconnects > 0, timeout=3)
    later = facilitator.change(setup.board, "board:timer", seconds=30)
    assert staying.wait_for_seq(setup.board, later["seq"])
    time.sleep(0.3)
    still_told = later["seq"] in victim.seqs(setup.board)
    assert (cut_off, still_told) == (True, False), (
        "after removal through server 1, the participant on server 2 is "
        f"{'' if cut_off else 'still connected and '}"
        f"{'still receives the board events' if still_told else 'told nothing more'}"
    )


def test_the_people_of_a_server_that_died_leave_the_presence_after_the_ttl(
    scaled_board: LiveBoard, two_servers: LiveServers
):
    setup = scaled_board.new_board(2)
    staying, lost = setup.participants
    here = scaled_board.joined(staying.token, setup.board, server=0)
    scaled_board.joined(lost.token, setup.board, server=1)

    def latest() -> set[int]:
        people = [m["people"] for m in here.presence if m["board"] == setup.board]
        return {person["id"] for person in people[-1]} if people else set()

    assert here.wait_until(lambda: latest() == {staying.person, lost.person})
    two_servers.servers[1].process.kill()  # SIGKILL: no disconnect is ever sent
    killed_at = time.monotonic()

    assert here.wait_until(lambda: latest() == {staying.person}, timeout=10)
    assert time.monotonic() - killed_at < PRESENCE_TTL + 3
    snapshot = scaled_board.connect(setup.facilitator, server=0).join(setup.board)
    present = {p["id"] for p in snapshot["snapshot"]["presence"]}
    assert staying.person in present
    assert lost.person not in present


def test_a_breakout_across_both_servers_comes_back_whole_and_in_order(
    scaled_board: LiveBoard,
):
    """Breakout groups on PostgreSQL with the Redis message queue and board locks:
    the groups' members write through either server; the end brings every card back,
    and clients of both servers see the main board's seqs without a gap."""
    setup = scaled_board.new_board(6)
    main = setup.board
    facilitator = scaled_board.joined(setup.facilitator, main, server=0)
    assert facilitator.change(main, "board:phase", phase="ideas")["ok"]
    watcher = scaled_board.joined(setup.facilitator, main, server=1)
    started = facilitator.change(main, "breakout:start", groups=2, mode="random")
    assert started["ok"], started
    for n, seat in enumerate(setup.participants):
        board = next(
            g["board"] for g in started["groups"] if seat.person in g["members"]
        )
        writer = scaled_board.joined(seat.token, board, server=n % 2)
        text = f"Card {n}"
        assert writer.change(board, "card:create", theme=setup.themes[0], text=text)[
            "ok"
        ]

    ended = facilitator.change(main, "breakout:end")

    assert ended["ok"], ended
    for client in (facilitator, watcher):
        assert client.wait_for_seq(main, ended["seq"])
    assert facilitator.seqs(main) == consecutive(1, ended["seq"])
    assert watcher.seqs(main) == consecutive(2, ended["seq"])
    created = [e for e in watcher.events_of(main) if e["type"] == "card:create"]
    assert sorted(e["data"]["card"]["text"] for e in created) == [
        f"Card {n}" for n in range(6)
    ]
    assert all(e["data"]["card"]["group"] for e in created)
