"""Fixtures of the live board tests: a real `python app.py` (gevent, Socket.IO) in its
own process on a free port, over a database whose schema the Alembic migrations build
(what `flask --app app init-db` runs, here in this process: it saves a second
interpreter start) and which this process seeds through the services (a pact with an
official and a facilitator; a fresh workshop, board and bulk participants for each
test), and `socketio.Client`s speaking PROTOCOL.md over real WebSockets.

Helpers are plain functions and classes so that test_scaled_out.py can start two
servers on PostgreSQL and Redis with the same machinery."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import engineio
import pytest
import requests
import socketio
from flask_migrate import upgrade
from sqlalchemy import select, text, update

from app import create_app
from core.choices import Role
from core.models import Theme
from core.pacts import create_pact
from extensions import db
from stakeholders.services import create_staff
from tests.conftest import PASSWORD, free_port
from workshops.identities import bulk_participants, issue_token
from workshops.models import Board
from workshops.scheduling import WorkshopData, create_workshop

REPO = Path(__file__).resolve().parents[2]
NAMESPACE = "/board"
SECRET = "live-board-tests-secret"  # the server and the seeder sign tokens alike
PACT = "ilfov"
OFFICIAL_EMAIL = "official@board-tests.example"
FACILITATOR_EMAIL = "facilitator@board-tests.example"
TOKEN_TTL = 3600
ACK_TIMEOUT = 10.0
WAIT_TIMEOUT = 10.0
STARTUP_TIMEOUT = 30.0


# --- the server process ------------------------------------------------------------


def server_env(database_url: str, **extra: str) -> dict[str, str]:
    """The environment of `python app.py` and the CLI: nothing inherited that could
    point them elsewhere (Flask, queue, mail, database settings, PUBLIC_URL). The
    server then derives PUBLIC_URL from HOST and its PORT, as a deployment without
    one does."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("FLASK_", "SOCKETIO_", "MAIL_", "DATABASE_", "PUBLIC_URL")
        )
    }
    return {
        **inherited,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "HOST": "127.0.0.1",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def start_server(env: dict[str, str], log: Path) -> Server:
    """One `python app.py` on a free port, once it answers the Engine.IO handshake
    (tests/browser uses it too)."""
    server = _launch(env, log)
    try:
        _wait_until_serving(server)
    except BaseException:
        stop_server(server)
        raise
    return server


def start_servers(env: dict[str, str], logs: Path, count: int = 1) -> list[Server]:
    """`count` processes of `python app.py`, each on a free port, started together
    and returned once each answers the Engine.IO handshake."""
    servers = []
    try:
        for n in range(count):
            servers.append(_launch(env, logs / f"server{n}.log"))
        for server in servers:
            _wait_until_serving(server)
    except BaseException:
        for server in servers:
            stop_server(server)
        raise
    return servers


def _launch(env: dict[str, str], log: Path) -> Server:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, "app.py"],
            cwd=REPO,
            env={**env, "PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Server(url, process, log)


def _wait_until_serving(server: Server) -> None:
    handshake = f"{server.url}/socket.io/?EIO=4&transport=polling"
    deadline = time.monotonic() + STARTUP_TIMEOUT
    with requests.Session() as http:
        http.trust_env = False  # straight to 127.0.0.1, whatever proxy is set
        while time.monotonic() < deadline:
            if server.process.poll() is not None:
                pytest.fail(f"app.py exited early:\n{server.log_text()}")
            try:
                if http.get(handshake, timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
    pytest.fail(f"app.py did not serve within {STARTUP_TIMEOUT}s:\n{server.log_text()}")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=10)


# --- data, written through the services -------------------------------------------


@dataclass(frozen=True)
class Seat:
    """A bulk participant: their person and organisation ids and their token."""

    person: int
    organisation: int
    token: str


@dataclass(frozen=True)
class BoardSetup:
    board: int
    workshop: int
    facilitator: str  # the facilitator's staff token (valid on every board of the pact)
    participants: list[Seat]
    themes: list[int]  # the pact's theme ids


class Seeder:
    """An app in this process on the server's database: it builds the schema with the
    migrations, then creates what the tests need through the services, committing for
    real, so the server sees it at once."""

    def __init__(self, database_url: str) -> None:
        self.app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "SECRET_KEY": SECRET,
            }
        )
        with self.app.app_context():
            try:
                upgrade()
                self.pact = int(
                    create_pact(
                        PACT,
                        "Ilfov Local Green Pact",
                        "Ilfov County",
                        languages="en,ro",
                    )["id"]
                )
                self.official = int(
                    create_staff(
                        OFFICIAL_EMAIL, "Olga Official", Role.OFFICIAL, PASSWORD, [PACT]
                    )["id"]
                )
                create_staff(
                    FACILITATOR_EMAIL,
                    "Filip Facilitator",
                    Role.FACILITATOR,
                    PASSWORD,
                    [PACT],
                )
                self.facilitator_token = issue_token(FACILITATOR_EMAIL, None, TOKEN_TTL)
                self.themes = list(
                    db.session.scalars(
                        select(Theme.id)
                        .where(Theme.pact_id == self.pact)
                        .order_by(Theme.position)
                    )
                )
            finally:
                db.session.remove()

    def new_board(self, participants: int = 6) -> BoardSetup:
        """A new workshop (board in the lobby) with `participants` enrolled people,
        each with their own organisation."""
        start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
        data = WorkshopData(
            title=f"Live board {uuid.uuid4().hex[:8]}",
            starts_at=start,
            ends_at=start + timedelta(hours=3),
        )
        with self.app.app_context():
            try:
                created = create_workshop(self.official, self.pact, data)
                rows = bulk_participants(created["workshop"], participants, TOKEN_TTL)
            finally:
                db.session.remove()
        return BoardSetup(
            board=created["board"],
            workshop=created["workshop"],
            facilitator=self.facilitator_token,
            participants=[Seat(*row) for row in rows],
            themes=self.themes,
        )

    def set_board_seq(self, board_id: int, seq: int) -> None:
        """Move the board's counter on (as if a long session had happened)."""
        with self.app.app_context():
            try:
                db.session.execute(
                    update(Board).where(Board.id == board_id).values(seq=seq)
                )
                db.session.commit()
            finally:
                db.session.remove()

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def isolate_board_ids(seeder: Seeder) -> None:
    """Start this database's board ids at a random point. Every app process on the
    Redis server shares Flask-SocketIO's default channel (the app configures none),
    and rooms are named after board ids, so two test runs at once must not both
    have a board 1."""
    start = random.randrange(10**6, 10**9)  # noqa: S311 - isolation, not secrecy
    with seeder.app.app_context():
        db.session.execute(text(f"ALTER SEQUENCE board_id_seq RESTART WITH {start}"))
        db.session.commit()
        db.session.remove()


# --- clients -----------------------------------------------------------------------


class InOrderEngineIO(engineio.Client):
    """Engine.IO's client starts a thread per incoming message, so handlers could see
    messages in another order than the wire's; here each message is handled on the
    reading thread, in the order it arrived."""

    def _receive_packet(self, pkt: Any) -> None:
        if pkt.packet_type == engineio.packet.MESSAGE:
            self._trigger_event("message", pkt.data, run_async=False)
        else:
            super()._receive_packet(pkt)


class BoardClient(socketio.Client):  # type: ignore[misc]
    """A `socketio.Client` on `/board` that records every `event` (and `events`
    batch), `presence` and `removed` it receives, in arrival order, and lets a test
    wait for them."""

    def __init__(self, **options: Any) -> None:
        super().__init__(reconnection=False, handle_sigint=False, **options)
        self.events: list[dict[str, Any]] = []
        # How many `event` and `events` frames brought them.
        self.frames = 0
        self.presence: list[dict[str, Any]] = []
        self.removed: list[dict[str, Any]] = []
        # The person's own votes (`votes`), sent to their connections after each.
        self.votes: list[dict[str, Any]] = []
        self.connect_errors: list[Any] = []
        self.disconnects = 0
        self.changed = threading.Condition()
        self.on("event", self._on_event, namespace=NAMESPACE)
        self.on("events", self._on_events, namespace=NAMESPACE)
        self.on("presence", self._recorder(self.presence), namespace=NAMESPACE)
        self.on("removed", self._recorder(self.removed), namespace=NAMESPACE)
        self.on("votes", self._recorder(self.votes), namespace=NAMESPACE)
        self.on("connect_error", self._on_connect_error, namespace=NAMESPACE)
        self.on("disconnect", self._on_disconnect, namespace=NAMESPACE)

    def _engineio_client_class(self) -> type[engineio.Client]:
        return InOrderEngineIO

    def shutdown(self) -> None:
        super().shutdown()
        # When the server died under it (SIGKILL), the engine leaves its websocket
        # open: close the socket itself.
        ws = getattr(self.eio, "ws", None)
        if ws is not None:
            ws.shutdown()

    def _notify(self, change: Callable[[], None]) -> None:
        with self.changed:
            change()
            self.changed.notify_all()

    def _on_event(self, message: dict[str, Any]) -> None:
        self._on_events([message])

    def _on_events(self, batch: list[dict[str, Any]]) -> None:
        def record() -> None:
            self.frames += 1
            self.events.extend(batch)

        self._notify(record)

    def _recorder(self, into: list[Any]) -> Callable[[Any], None]:
        return lambda message: self._notify(lambda: into.append(message))

    def _on_connect_error(self, data: Any = None) -> None:
        self._notify(lambda: self.connect_errors.append(data))

    def _on_disconnect(self, reason: Any = None) -> None:
        def count() -> None:
            self.disconnects += 1

        self._notify(count)

    def open(
        self,
        url: str,
        token: str | None,
        headers: dict[str, str] | None = None,
        transport: str = "websocket",
    ) -> None:
        self.connect(
            url,
            namespaces=[NAMESPACE],
            transports=[transport],
            auth={"token": token} if token is not None else None,
            headers=headers or {},
            wait_timeout=WAIT_TIMEOUT,
        )

    def ack(self, event: str, payload: Any) -> dict[str, Any]:
        """Send one client event and return its ack."""
        answer = self.call(event, payload, namespace=NAMESPACE, timeout=ACK_TIMEOUT)
        assert isinstance(answer, dict), (
            f"{event}: the ack is not an object: {answer!r}"
        )
        return answer

    def ack_unless_cut_off(
        self, event: str, payload: Any, timeout: float = ACK_TIMEOUT
    ) -> dict[str, Any] | None:
        """Send one client event; its ack, or None as soon as the connection is
        gone (or was already), since then no ack will come."""
        answers: list[dict[str, Any]] = []

        def answered(ack: dict[str, Any]) -> None:
            self._notify(lambda: answers.append(ack))

        if self.disconnects:
            return None
        try:
            self.emit(event, payload, namespace=NAMESPACE, callback=answered)
        except socketio.exceptions.SocketIOError:
            return None  # cut off between the check and the send
        self.wait_until(lambda: bool(answers) or self.disconnects > 0, timeout)
        return answers[0] if answers else None

    def change(self, board: int, event: str, **fields: Any) -> dict[str, Any]:
        """A mutating event with a fresh `cid`."""
        return self.ack(event, {"board": board, "cid": new_cid(), **fields})

    def join(self, board: int, since: int | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {"board": board}
        if since is not None:
            payload["since"] = since
        return self.ack("join", payload)

    def wait_until(
        self, predicate: Callable[[], bool], timeout: float = WAIT_TIMEOUT
    ) -> bool:
        with self.changed:
            return self.changed.wait_for(predicate, timeout)

    def seqs(self, board: int) -> list[int]:
        with self.changed:
            return [e["seq"] for e in self.events if e["board"] == board]

    def events_of(self, board: int) -> list[dict[str, Any]]:
        with self.changed:
            return [e for e in self.events if e["board"] == board]

    def wait_for_seq(self, board: int, seq: int, timeout: float = WAIT_TIMEOUT) -> bool:
        """Until an event of `board` with `seq` (or later) has arrived."""
        return self.wait_until(
            lambda: any(e["board"] == board and e["seq"] >= seq for e in self.events),
            timeout,
        )


def new_cid() -> str:
    return uuid.uuid4().hex


def consecutive(first: int, last: int) -> list[int]:
    return list(range(first, last + 1))


def in_threads(calls: list[Callable[[], Any]]) -> list[Any]:
    """Run the calls at once, one thread each, released together; their results."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        barrier.wait(timeout=10)
        try:
            results[index] = call()
        except Exception as exc:  # handed back: the test asserts on results
            results[index] = exc

    threads = [
        threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a sender hung"
    return results


# --- the fixtures ------------------------------------------------------------------


@dataclass
class LiveServers:
    servers: list[Server]
    seeder: Seeder


@dataclass
class LiveBoard:
    """One test's view of the live server(s): new boards, and clients that are
    disconnected when the test ends."""

    live: LiveServers
    clients: list[BoardClient] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.live.servers[0].url

    @property
    def seeder(self) -> Seeder:
        return self.live.seeder

    def new_board(self, participants: int = 6) -> BoardSetup:
        return self.live.seeder.new_board(participants)

    def client(self, **options: Any) -> BoardClient:
        """A client not connected yet (for refusals); `options` go to
        `socketio.Client`."""
        client = BoardClient(**options)
        self.clients.append(client)
        return client

    def connect(
        self,
        token: str | None,
        *,
        server: int = 0,
        headers: dict[str, str] | None = None,
    ) -> BoardClient:
        client = self.client()
        client.open(self.live.servers[server].url, token, headers)
        return client

    def call(self, client: BoardClient, event: str, payload: Any) -> dict[str, Any]:
        return client.ack(event, payload)

    def joined(self, token: str, board: int, *, server: int = 0) -> BoardClient:
        """A client connected and joined to `board`."""
        client = self.connect(token, server=server)
        ack = client.join(board)
        assert ack["ok"], ack
        return client

    def set_phase(self, setup: BoardSetup, phase: str) -> None:
        facilitator = self.joined(setup.facilitator, setup.board)
        ack = facilitator.change(setup.board, "board:phase", phase=phase)
        assert ack["ok"], ack
        facilitator.disconnect()

    def close(self) -> None:
        for client in self.clients:
            try:
                client.disconnect()
            finally:
                client.shutdown()


@contextmanager
def served(directory: Path, count: int = 1, **settings: str) -> Iterator[LiveServers]:
    """`count` `python app.py` processes on one SQLite file of their own in
    `directory`, with these settings in their environment."""
    database_url = f"sqlite:///{directory / 'board.sqlite3'}"
    seeder = Seeder(database_url)
    try:
        env = server_env(database_url, **settings)
        if count == 1:
            servers = [start_server(env, directory / "server.log")]
        else:
            servers = start_servers(env, directory, count)
        try:
            yield LiveServers(servers, seeder)
        finally:
            for server in servers:
                stop_server(server)
    finally:
        seeder.close()


@contextmanager
def watched(live: LiveServers) -> Iterator[LiveBoard]:
    """A test's view of the servers; its clients are disconnected at the end."""
    board = LiveBoard(live)
    try:
        yield board
    finally:
        board.close()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServers]:
    """One `python app.py` for the module, on a SQLite file of its own."""
    with served(tmp_path_factory.mktemp("live_board")) as live:
        yield live


@pytest.fixture
def live_board(live_server: LiveServers) -> Iterator[LiveBoard]:
    with watched(live_server) as board:
        yield board


# --- boards for the in-process tests ------------------------------------------------


@dataclass(frozen=True)
class InProcessBoard:
    """A board of the pact "ilfov" in the test's own app (no server): its official,
    a facilitator, participants (two unless asked; each with an organisation) and
    the first theme."""

    board: int
    official: int
    facilitator: int
    seats: list[Seat]
    theme: int


def in_process_board(
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    title: str,
    participants: int = 2,
) -> InProcessBoard:
    pact = make_pact("ilfov")
    official = make_staff(Role.OFFICIAL)
    facilitator = make_staff(Role.FACILITATOR)
    start = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
    created = create_workshop(
        official,
        pact,
        WorkshopData(title, starts_at=start, ends_at=start + timedelta(hours=2)),
    )
    seats = bulk_participants(created["workshop"], participants, TOKEN_TTL)
    theme = db.session.scalars(
        select(Theme.id).where(Theme.pact_id == pact).order_by(Theme.position)
    ).first()
    assert theme is not None
    return InProcessBoard(
        created["board"], official, facilitator, [Seat(*s) for s in seats], theme
    )
