"""Fan-out of committed board events to the board's Socket.IO room (in-process, or
through the Redis message queue when SOCKETIO_MESSAGE_QUEUE is set), the presence of
connected people, and cutting off removed participants.

Events leave only after their transaction committed (the services queue them with
`after_commit`). A per-board lock held from taking the seq until the emit (a Redis
lock when several processes share a message queue) keeps events in seq order on the
wire; clients still buffer and rejoin on a gap (a dropped connection)."""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis

from extensions import socketio
from workshops.board.objects import redact_event
from workshops.board.rules import FACILITATOR, PARTICIPANT

NAMESPACE = "/board"
# Seconds: the longest a board change may hold the cross-process board lock.
LOCK_TIMEOUT = 10

_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)
_locks_guard = threading.Lock()
# board id -> sid -> the connected person (this process's connections only)
_present: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)


class SharedPresence:
    """Everyone connected to each board through any app process: a Redis hash per
    board, sid -> person (with the time they arrived). Used when the app runs with a
    message queue, so that presence and removals reach every process."""

    def __init__(self, url: str) -> None:
        self.redis = redis.Redis.from_url(url, decode_responses=True)

    @staticmethod
    def key(board_id: int) -> str:
        return f"greenpact:presence:{board_id}"

    def add(self, board_id: int, sid: str, person: dict[str, Any]) -> None:
        entry = json.dumps({**person, "at": time.time()})
        self.redis.hset(self.key(board_id), sid, entry)

    def board_lock(self, board_id: int) -> Any:
        """Released at the latest after `timeout` seconds should its holder die; the
        waiter polls every 2 ms (the hold is one change: a few milliseconds)."""
        return self.redis.lock(
            f"greenpact:board-lock:{board_id}",
            timeout=LOCK_TIMEOUT,
            sleep=0.002,
            blocking_timeout=LOCK_TIMEOUT,
        )

    def remove(self, board_id: int, sid: str) -> None:
        self.redis.hdel(self.key(board_id), sid)

    def people(self, board_id: int) -> dict[str, dict[str, Any]]:
        entries: dict[str, str] = self.redis.hgetall(self.key(board_id))  # type: ignore[assignment]
        by_sid = {sid: json.loads(entry) for sid, entry in entries.items()}
        return dict(sorted(by_sid.items(), key=lambda item: item[1].pop("at")))


_shared: SharedPresence | None = None


def init_presence(message_queue: str | None) -> None:
    """Chosen once at start-up: this process's connections only, or Redis."""
    global _shared
    _shared = SharedPresence(message_queue) if message_queue else None


def _connected(board_id: int) -> dict[str, dict[str, Any]]:
    return _shared.people(board_id) if _shared else dict(_present[board_id])


def board_room(board_id: int) -> str:
    return f"board:{board_id}"


def role_room(board_id: int, role: str) -> str:
    """Facilitators and participants hear events in separate rooms: participants get
    hidden cards without their text."""
    return f"board:{board_id}:{role}"


def person_room(board_id: int, person_id: int) -> str:
    return f"board:{board_id}:person:{person_id}"


@contextmanager
def board_lock(board_id: int) -> Iterator[None]:
    """Held from taking a seq until its event is published, so that events leave in
    seq order. Within a process a thread lock; with a message queue also a Redis lock,
    because otherwise two processes could commit seqs n and n+1 and publish n+1
    first."""
    with _locks_guard:
        lock = _locks[board_id]
    with lock:
        if _shared is None:
            yield
            return
        with _shared.board_lock(board_id):
            yield


def publish_event(event: dict[str, Any]) -> None:
    board_id = event["board"]
    socketio.emit(
        "event", event, to=role_room(board_id, FACILITATOR), namespace=NAMESPACE
    )
    socketio.emit(
        "event",
        redact_event(event),
        to=role_room(board_id, PARTICIPANT),
        namespace=NAMESPACE,
    )


def publish_removal(board_id: int, person_id: int, reason: str) -> None:
    """Tell the removed person, then close their connections to this board (in other
    processes through the message queue)."""
    payload = {"board": board_id, "reason": reason}
    socketio.emit(
        "removed", payload, to=person_room(board_id, person_id), namespace=NAMESPACE
    )
    for sid, person in _connected(board_id).items():
        if person["id"] == person_id:
            socketio.server.disconnect(sid, namespace=NAMESPACE)


def enter(board_id: int, sid: str, person: dict[str, Any]) -> None:
    _present[board_id][sid] = person
    if _shared:
        _shared.add(board_id, sid, person)
    publish_presence(board_id)


def leave(board_id: int, sid: str) -> None:
    if _present[board_id].pop(sid, None) is not None:
        if _shared:
            _shared.remove(board_id, sid)
        publish_presence(board_id)


def boards_of(sid: str) -> list[int]:
    return [board_id for board_id, sids in _present.items() if sid in sids]


def presence(board_id: int) -> list[dict[str, Any]]:
    """Everyone connected to the board, once each, in the order they arrived."""
    people: dict[int, dict[str, Any]] = {}
    for person in _connected(board_id).values():
        people.setdefault(person["id"], person)
    return list(people.values())


def publish_presence(board_id: int) -> None:
    payload = {"board": board_id, "people": presence(board_id)}
    socketio.emit("presence", payload, to=board_room(board_id), namespace=NAMESPACE)
