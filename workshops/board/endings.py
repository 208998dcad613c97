"""The board's connections, each with what it stands on (a person, and the login
session or the workshop token it was opened with), and closing the ones whose
access ended (core.session_ends): each is sent `session_ended` with the reason, then
disconnected.

An ended access is announced in the process whose use case ended it. Alone, that
process closes its own matching connections; with a message queue the announcement
goes through one Redis channel that every app process listens to (from its first
board connection on), and each closes its own. While Redis is unreachable a process
still closes its own; the others' connections are refused at their next change or
reconnection, which check the database."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

import redis

from core.session_ends import SessionEnd
from core.shared_store import redis_client
from extensions import socketio
from workshops.board import broadcast
from workshops.board.channels import follow_channel
from workshops.board.rooms import NAMESPACE

log = logging.getLogger("greenpact.board")

MESSAGE = "session_ended"


@dataclass(frozen=True)
class Connection:
    person_id: int
    token_workshop: int | None  # the workshop of a participant's auth.token
    login: str | None = None  # the digest of its login session (cookie or staff token)


# sid -> this process's connections
connections: dict[str, Connection] = {}


def ends(connection: Connection, boards: list[int], end: SessionEnd) -> bool:
    """Whether `end` takes away what `connection` (open on `boards`) stands on."""
    if connection.person_id != end.person:
        return False
    if end.logins is not None:
        return connection.login in end.logins
    if end.workshop is not None:
        return connection.token_workshop == end.workshop or any(
            board in end.boards for board in boards
        )
    return True


def close_ended(end: SessionEnd) -> None:
    """Tell and close this process's connections that `end` takes away. Each is
    forgotten at once, so that it is told once whatever else ends with it."""
    for sid, connection in list(connections.items()):
        if not ends(connection, broadcast.boards_of(sid), end):
            continue
        connections.pop(sid, None)
        socketio.server.emit(
            MESSAGE,
            {"reason": end.reason},
            to=sid,
            namespace=NAMESPACE,
            ignore_queue=True,
        )
        socketio.server.disconnect(sid, namespace=NAMESPACE, ignore_queue=True)


class LocalEndings:
    """One process: its own connections are all there are."""

    def announce(self, end: SessionEnd) -> None:
        close_ended(end)

    def listen(self) -> None:
        """Nothing to listen to in one process."""


class RedisEndings(LocalEndings):
    """Several processes: every announcement through one Redis channel."""

    def __init__(self, url: str, channel: str) -> None:
        self.redis = redis_client(url)
        self.channel = channel
        self.listening = False

    def announce(self, end: SessionEnd) -> None:
        try:
            self.redis.publish(self.channel, json.dumps(end.as_dict()))
        except redis.RedisError as exc:
            log.warning("session end closed locally only (%s)", type(exc).__name__)
            close_ended(end)

    def listen(self) -> None:
        """Started when the first client connects to this process."""
        if not self.listening:
            self.listening = True
            follow_channel(
                self.redis,
                self.channel,
                lambda data: close_ended(SessionEnd.from_dict(data)),
                "session ends channel lost",
            )


_endings: LocalEndings = LocalEndings()


def init_endings(config: dict[str, Any]) -> None:
    """Chosen once at start-up: in-process, or through Redis."""
    global _endings
    queue = config["SOCKETIO_MESSAGE_QUEUE"]
    channel = f"{config['BOARD_EVENTS_CHANNEL']}:session-ends"
    _endings = RedisEndings(queue, channel) if queue else LocalEndings()


def announce(end: SessionEnd, **_: Any) -> None:
    """The receiver of core.session_ends' signal (after the commit)."""
    _endings.announce(end)


def add_connection(sid: str, connection: Connection) -> None:
    _endings.listen()
    connections[sid] = connection
