"""The app process SIGKILLed mid-burst on the embedded default (one `python app.py`,
SQLite in WAL mode): three clients write cards as fast as the rate limit lets them,
the process is killed without warning, a new one is started on the same database
file, and every change acknowledged before the kill is there, once, in a gap-free
log. (The scaled-out counterpart, behind nginx with Redis and PostgreSQL, is
tests/deploy/test_cluster.py's killed-process test.)"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from tests.board.conftest import (
    BoardClient,
    LiveBoard,
    LiveServers,
    Seeder,
    consecutive,
    server_env,
    start_server,
    stop_server,
)
from tests.board.test_redis_restart import Writer

WRITERS = 3


def test_a_process_killed_mid_burst_loses_nothing_acknowledged(tmp_path: Path):
    database_url = f"sqlite:///{tmp_path / 'board.sqlite3'}"
    seeder = Seeder(database_url)
    env = server_env(database_url)
    try:
        server = start_server(env, tmp_path / "first.log")
        board = LiveBoard(LiveServers([server], seeder))
        try:
            setup = board.new_board(WRITERS)
            board.set_phase(setup, "ideas")
            writers = [
                Writer(board.joined(seat.token, setup.board), setup.board, theme)
                for seat, theme in zip(
                    setup.participants, setup.themes * WRITERS, strict=False
                )
            ]
            threads = [threading.Thread(target=w.run) for w in writers]
            for thread in threads:
                thread.start()
            while sum(len(w.acked) for w in writers) < 60:
                time.sleep(0.02)
            server.process.kill()  # SIGKILL, mid-burst
            server.process.wait(timeout=10)
            for writer in writers:
                writer.stop.set()
            for thread in threads:
                thread.join(timeout=30)
        finally:
            board.close()
            stop_server(server)

        again = start_server(env, tmp_path / "second.log")
        try:
            client = BoardClient()
            try:
                client.open(again.url, setup.facilitator)
                ack = client.join(setup.board, since=0)
            finally:
                client.disconnect()
                client.shutdown()
        finally:
            stop_server(again)
    finally:
        seeder.close()

    assert ack["ok"], ack
    events = ack["events"]
    assert [e["seq"] for e in events] == consecutive(1, ack["seq"]), "gap-free"
    cards = {
        e["seq"]: e["data"]["card"]["id"] for e in events if e["type"] == "card:create"
    }
    acked = {seq for w in writers for seq, _at in w.acked.values()}
    assert len(acked) >= 60
    assert acked <= set(cards), f"{len(acked - set(cards))} acknowledged changes lost"
    assert len(set(cards.values())) == len(cards), "no card stored twice"
