"""Redis restarted under load in the scaled-out topology: two `python app.py`
processes on one PostgreSQL database share a Redis server of the test's own (never
the machine's), clients write cards through both while Redis is killed (SIGKILL)
and started again on the same port. The service recovers by itself: new writes
reach the clients of the other process again, clients that missed events catch up
with `since`, presence is shared again, and nothing is half-applied: every
acknowledged change is in the database exactly once, every change refused
(`internal`) is not, and the board's seqs stay gap-free."""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import redis
import socketio
from sqlalchemy import select

from extensions import db
from tests.board.conftest import (
    BoardClient,
    LiveBoard,
    LiveServers,
    Seeder,
    consecutive,
    isolate_board_ids,
    server_env,
    start_servers,
    stop_server,
)
from tests.conftest import free_port, require_service
from workshops.models import BoardEvent

DOWN_SECONDS = 2.0
RECOVERY_LIMIT = 15.0  # seconds after Redis is back


class RedisServer:
    """A `redis-server` of this test on a free port, without persistence."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary is not None
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                if client.ping():
                    return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    require_service(shutil.which("redis-server") is not None, "redis-server")
    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


@pytest.fixture
def two_on_own_redis(
    postgres_url: str, own_redis: RedisServer, tmp_path: Path
) -> Iterator[LiveServers]:
    seeder = Seeder(postgres_url)
    try:
        isolate_board_ids(seeder)
        plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
        env = server_env(
            plain, SOCKETIO_MESSAGE_QUEUE=own_redis.url, PRESENCE_TTL_SECONDS="2"
        )
        servers = start_servers(env, tmp_path, count=2)
        try:
            yield LiveServers(servers, seeder)
        finally:
            for server in servers:
                stop_server(server)
    finally:
        seeder.close()


@dataclass
class Writer:
    """Writes cards one after the other. A `rate_limited` or unanswered change is
    sent again with the same cid (as the page does); an `internal` one is given up,
    which the protocol allows because nothing was changed."""

    client: BoardClient
    board: int
    theme: int
    acked: dict[str, tuple[int, float]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        while not self.stop.is_set():
            cid = uuid.uuid4().hex
            payload = {"board": self.board, "cid": cid, "theme": self.theme}
            payload["text"] = f"card {cid[:6]}"
            ack = self._send(payload)
            if ack is None:
                continue
            if ack["ok"]:
                self.acked[cid] = (ack["seq"], time.monotonic())
            else:
                assert ack["error"]["code"] == "internal", ack
                self.refused.append(cid)
            time.sleep(0.03)

    def _send(self, payload: dict[str, Any]) -> dict[str, Any] | None:
        while not self.stop.is_set():
            try:
                ack = self.client.ack("card:create", payload)
            except socketio.exceptions.TimeoutError:
                continue
            except socketio.exceptions.SocketIOError:
                # The connection is gone (the test is over, or the server closed
                # it): this writer stops; what it had acknowledged stays counted.
                self.stop.set()
                return None
            if ack["ok"] or ack["error"]["code"] != "rate_limited":
                return ack
            time.sleep(0.05)
        return None

    def acked_after(self, moment: float) -> set[int]:
        return {seq for seq, at in self.acked.values() if at > moment}


def first_gap(seqs: list[int]) -> int:
    """The last seq before the first one missing (what `since` names)."""
    have = set(seqs)
    last = 0
    while last + 1 in have:
        last += 1
    return last


def stored_events(live: LiveServers, board: int) -> list[tuple[int, str]]:
    with live.seeder.app.app_context():
        try:
            query = (
                select(BoardEvent.seq, BoardEvent.cid)
                .where(BoardEvent.board_id == board)
                .order_by(BoardEvent.seq)
            )
            return [(int(seq), str(cid)) for seq, cid in db.session.execute(query)]
        finally:
            db.session.remove()


def test_after_redis_is_killed_and_restarted_under_load_the_board_recovers_and_nothing_is_half_applied(  # noqa: E501
    two_on_own_redis: LiveServers, own_redis: RedisServer
):
    board = LiveBoard(two_on_own_redis)
    try:
        setup = board.new_board(2)
        watchers = [
            board.joined(setup.facilitator, setup.board, server=n) for n in (0, 1)
        ]
        board.set_phase(setup, "ideas")
        writers = [
            Writer(
                board.joined(seat.token, setup.board, server=n),
                setup.board,
                setup.themes[0],
            )
            for n, seat in enumerate(setup.participants)
        ]
        threads = [threading.Thread(target=w.run) for w in writers]
        for thread in threads:
            thread.start()
        try:
            while min(len(w.acked) for w in writers) < 10:
                time.sleep(0.05)
            own_redis.kill()
            time.sleep(DOWN_SECONDS)
            own_redis.start()
            back = time.monotonic()
            # Recovered: a change made through each process after the restart
            # reaches the watcher on the other one.
            crossed = [
                watchers[1 - n].wait_until(
                    lambda n=n: bool(
                        writers[n].acked_after(back)
                        & set(watchers[1 - n].seqs(setup.board))
                    ),
                    RECOVERY_LIMIT,
                )
                for n in (0, 1)
            ]
            recovered_in = time.monotonic() - back
            time.sleep(1.0)  # more writes on the recovered service
        finally:
            for writer in writers:
                writer.stop.set()
            for thread in threads:
                thread.join(timeout=30)

        # Presence is shared again: the heartbeat wrote this process's people
        # back into the restarted (empty) Redis.
        newcomer = board.connect(setup.facilitator, server=1)
        present = {p["id"] for p in newcomer.join(setup.board)["snapshot"]["presence"]}
        final = max(seq for w in writers for seq, _at in w.acked.values())
        caught_up = []
        for watcher in watchers:
            had = watcher.seqs(setup.board)
            since = first_gap(had)
            ack = watcher.join(setup.board, since=since)
            assert ack["ok"], ack
            replayed = [e["seq"] for e in ack.get("events", [])]
            caught_up.append(sorted(set(had) | set(replayed)))
            assert ack["seq"] >= final
    finally:
        board.close()

    assert crossed == [True, True], f"not recovered {RECOVERY_LIMIT} s after restart"
    assert {seat.person for seat in setup.participants} <= present
    assert recovered_in < RECOVERY_LIMIT
    stored = stored_events(two_on_own_redis, setup.board)
    seqs = [seq for seq, _cid in stored]
    assert seqs == consecutive(1, len(stored)), "the board's seqs are gap-free"
    cids = [cid for _seq, cid in stored]
    assert len(cids) == len(set(cids)), "no change applied twice"
    by_cid = dict((cid, seq) for seq, cid in stored)
    for writer in writers:
        for cid, (seq, _at) in writer.acked.items():
            assert by_cid.get(cid) == seq, "an acknowledged change is stored"
        applied = set(writer.refused) & set(by_cid)
        assert not applied, f"{len(applied)} changes refused (internal) were applied"
    for seqs_seen in caught_up:
        assert seqs_seen == consecutive(1, len(stored)), "caught up with since"
    print(  # the figures of the report (pytest -s)
        f"recovered {recovered_in:.2f} s after Redis came back; "
        f"acked {sum(len(w.acked) for w in writers)}, "
        f"refused {sum(len(w.refused) for w in writers)}, events {len(stored)}"
    )
