"""The production set-up scaled out, as `make serve-cluster` starts it: Debian's nginx
in front of two gunicorn processes (gevent-websocket's worker, as `make serve`),
Redis and PostgreSQL. Through nginx, clients on both processes and over both
transports see every change once, in order, gap-free; when one process is killed its
clients come back through nginx on the other and resync, and nothing acknowledged is
lost; a dead process leaves nobody "here now"; rate limits count each visitor
behind nginx, whatever X-Forwarded-For the visitor sends, and a venue (everyone at one
address) gets its 40 registrations and 30 walk-ins through while guessing codes is
stopped; and the Socket.IO origin check still knows the page's own origin."""

from __future__ import annotations

import threading
import time
from typing import Any

from extensions import db
from tests.board.conftest import (
    BoardClient,
    LiveBoard,
    consecutive,
    in_threads,
    new_cid,
)
from tests.board.test_scaled_out import create_paced
from tests.deploy.conftest import (
    PRESENCE_TTL_SECONDS,
    REGISTRATION_LIMIT,
    LiveCluster,
    land_on,
    node_of,
    on_every_node,
    register,
    visitor,
    walk_in,
)
from workshops.models import Workshop
from workshops.scheduling import set_workshop_status

WALK_INS = 30
WRONG_CODES_PER_ADDRESS = 60  # WALK_IN_ADDRESS_FAILURE_LIMIT's default, per 10 min

TRANSPORTS = ["polling", "websocket"]
CARDS_PER_WRITER = 12
# An ack may wait for a board lock held by a process that was killed (released
# after 10 s, workshops/board/broadcast.py).
SLOW_ACK = 15.0


def test_through_nginx_clients_on_both_processes_and_transports_get_every_change_once_in_order(  # noqa: E501
    shared_cluster: LiveCluster, through_nginx: LiveBoard
):
    setup = through_nginx.new_board(8)
    clients = on_every_node(shared_cluster, through_nginx, setup, TRANSPORTS)
    assert {node_of(client) for client in clients.values()} == {"app1", "app2"}
    through_nginx.set_phase(setup, "ideas")

    sent = in_threads(
        [
            lambda client=client: create_paced(
                client, setup.board, setup.themes[0], CARDS_PER_WRITER
            )
            for client in clients.values()
        ]
    )

    last = 1 + len(clients) * CARDS_PER_WRITER
    assert sorted(seq for seqs in sent for seq in seqs) == consecutive(2, last)
    for where, client in clients.items():
        assert client.wait_for_seq(setup.board, last), (where, client.seqs(setup.board))
    time.sleep(0.3)
    for where, client in clients.items():
        assert client.seqs(setup.board) == consecutive(1, last), where


class Writer:
    """Writes cards until told to stop or its connection is gone; keeps what was
    acknowledged: seq -> card id."""

    def __init__(self, client: BoardClient, board: int, theme: int) -> None:
        self.client = client
        self.board = board
        self.theme = theme
        self.acked: dict[int, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        while not self.stop.is_set():
            payload = {
                "board": self.board,
                "cid": new_cid(),
                "theme": self.theme,
                "text": f"card {len(self.acked)}",
            }
            ack = self.client.ack_unless_cut_off("card:create", payload, SLOW_ACK)
            if ack is None:
                return
            if ack["ok"]:
                self.acked[ack["seq"]] = ack["card"]["id"]
            time.sleep(0.05)


def test_a_killed_process_clients_come_back_through_nginx_on_the_other_and_lose_nothing_acknowledged(  # noqa: E501
    live_cluster: LiveCluster,
):
    board = live_cluster.board()
    try:
        setup = board.new_board(4)
        clients = on_every_node(live_cluster, board, setup, TRANSPORTS)
        board.set_phase(setup, "ideas")
        writers = [Writer(c, setup.board, setup.themes[0]) for c in clients.values()]
        for writer in writers:
            writer.thread.start()
        wait_for_acks(writers, 3)

        victim = live_cluster.cluster.nodes[0]
        victim.process.kill()
        cut_off = {w: c for w, c in clients.items() if w[0] == victim.name}
        for where, client in cut_off.items():
            assert client.wait_until(lambda c=client: c.disconnects > 0), where
        survivors = [w for w in writers if w.client not in cut_off.values()]
        wait_for_acks(survivors, max(len(w.acked) for w in survivors) + 3)
        for writer in writers:
            writer.stop.set()
            writer.thread.join(timeout=2 * SLOW_ACK)

        seq = resync_on_the_survivor(live_cluster, board, setup.board, cut_off)
        snapshot = board.connect(setup.facilitator).join(setup.board)
    finally:
        board.close()

    acked = {seq: card for writer in writers for seq, card in writer.acked.items()}
    assert all(writer.acked for writer in writers), "every writer got an ack"
    assert max(acked) <= snapshot["seq"] == seq
    cards = {card["id"] for card in snapshot["snapshot"]["cards"]}
    assert set(acked.values()) <= cards, "an acknowledged card was lost"


def wait_for_acks(writers: list[Writer], count: int) -> None:
    """Until each writer has `count` acknowledged cards (the board lock of a killed
    process may hold the others back for a while)."""
    deadline = time.monotonic() + 3 * SLOW_ACK
    while any(len(w.acked) < count for w in writers):
        assert time.monotonic() < deadline, [len(w.acked) for w in writers]
        time.sleep(0.05)


def resync_on_the_survivor(
    live: LiveCluster,
    board: LiveBoard,
    board_id: int,
    cut_off: dict[tuple[str, str], BoardClient],
) -> int:
    """Each cut-off client's person reconnects through nginx over the same transport,
    lands on the other process, and rejoins with `since` its last event: the
    events it had and the replay together are every seq, once. The board's seq."""
    survivor = live.cluster.nodes[1].name
    seq = 0
    for (_node, transport), old in cut_off.items():
        had = old.seqs(board_id)
        assert had == consecutive(1, len(had)), had
        token = old.connection_auth["token"]
        again = land_on(board, survivor, token, transport, attempts=2)
        ack = again.join(board_id, since=len(had))
        assert ack["ok"], ack
        assert ack["mode"] == "events", ack
        replayed = [event["seq"] for event in ack["events"]]
        assert had + replayed == consecutive(1, ack["seq"]), (had, replayed)
        seq = ack["seq"]
    return seq


def test_a_process_that_died_leaves_nobody_here_now_after_the_presence_ttl(
    live_cluster: LiveCluster,
):
    """Presence entries live PRESENCE_TTL_SECONDS past their process's last
    heartbeat; a surviving process drops the stale ones and tells the board."""
    board = live_cluster.board()
    try:
        setup = board.new_board(2)
        gone, staying = setup.participants
        land_on(board, "app1", gone.token, "websocket").join(setup.board)
        watcher = land_on(board, "app2", staying.token, "websocket")
        watcher.join(setup.board)
        both = {gone.person, staying.person}
        assert watcher.wait_until(lambda: present(watcher, setup.board) == both)

        live_cluster.cluster.nodes[0].process.kill()
        deadline = time.monotonic() + PRESENCE_TTL_SECONDS + 5
        here = snapshot_presence(board, setup)
        while gone.person in here and time.monotonic() < deadline:
            time.sleep(0.25)
            here = snapshot_presence(board, setup)
        told = watcher.wait_until(
            lambda: gone.person not in present(watcher, setup.board)
        )
    finally:
        board.close()

    assert gone.person not in here, "the dead process's participant is still here"
    assert staying.person in here
    assert told, f"the board was not told: {watcher.presence[-1]}"


def present(client: BoardClient, board: int) -> set[int]:
    """The people of the latest `presence` the client received for the board."""
    lists = [m["people"] for m in client.presence if m["board"] == board]
    return {person["id"] for person in lists[-1]} if lists else set()


def snapshot_presence(board: LiveBoard, setup: Any) -> set[int]:
    """The participants "here now" in a snapshot, as a new facilitator connection
    through nginx sees it (then closed)."""
    client = board.connect(setup.facilitator)
    try:
        ack = client.join(setup.board)
    finally:
        client.disconnect()
    return {p["id"] for p in ack["snapshot"]["presence"] if p["role"] != "facilitator"}


def test_behind_nginx_forty_registrations_from_one_venue_succeed_and_the_ceiling_counts_each_forwarded_visitor_apart(  # noqa: E501
    shared_cluster: LiveCluster,
):
    venue, second = visitor("127.0.0.2"), visitor("127.0.0.3")

    allowed = [register(venue, shared_cluster.url) for _n in range(REGISTRATION_LIMIT)]

    assert allowed == [302] * REGISTRATION_LIMIT
    assert register(venue, shared_cluster.url) == 429
    assert register(second, shared_cluster.url) == 302


def running_code(live: LiveCluster) -> str:
    """The join code of a new workshop its facilitator has started."""
    seeder = live.seeder
    setup = seeder.new_board(1)
    with seeder.app.app_context():
        try:
            set_workshop_status(seeder.official, setup.workshop, "running")
            workshop = db.session.get(Workshop, setup.workshop)
            assert workshop is not None
            return workshop.join_code
        finally:
            db.session.remove()


def test_behind_nginx_thirty_walk_ins_from_one_venue_succeed_after_typos(
    shared_cluster: LiveCluster,
):
    code = running_code(shared_cluster)
    typo = code[:-1] + ("A" if code[-1] != "A" else "B")
    statuses = []
    for _n in range(WALK_INS):
        person = visitor("127.0.0.6")  # a browser of their own, at the venue
        assert walk_in(person, shared_cluster.url, typo) == 200
        statuses.append(walk_in(person, shared_cluster.url, code))

    assert statuses == [302] * WALK_INS


def test_behind_nginx_guessing_codes_is_stopped_per_address_whatever_the_cookies(
    shared_cluster: LiveCluster,
):
    code = running_code(shared_cluster)
    guesses = [
        walk_in(visitor("127.0.0.7"), shared_cluster.url, f"ZZZ{n:03d}")
        for n in range(WRONG_CODES_PER_ADDRESS + 1)
    ]

    assert guesses == [200] * WRONG_CODES_PER_ADDRESS + [429]
    assert walk_in(visitor("127.0.0.7"), shared_cluster.url, code) == 429
    assert walk_in(visitor("127.0.0.8"), shared_cluster.url, code) == 302


def test_behind_nginx_a_forged_x_forwarded_for_does_not_escape_the_rate_limit(
    shared_cluster: LiveCluster,
):
    forger = visitor("127.0.0.4")

    statuses = [
        register(forger, shared_cluster.url, {"X-Forwarded-For": f"198.51.100.{n}"})
        for n in range(REGISTRATION_LIMIT + 1)
    ]

    assert statuses == [302] * REGISTRATION_LIMIT + [429]


def test_through_nginx_the_page_s_own_origin_may_open_a_session_and_no_other(
    shared_cluster: LiveCluster,
):
    handshake = f"{shared_cluster.url}/socket.io/?EIO=4&transport=polling"
    with visitor("127.0.0.5") as browser:
        own = browser.get(handshake, headers={"Origin": shared_cluster.url}, timeout=10)
        other = browser.get(
            handshake, headers={"Origin": "https://elsewhere.example"}, timeout=10
        )

    assert own.status_code == 200, own.text
    assert (other.status_code, other.text) == (400, '"Not an accepted origin."')
