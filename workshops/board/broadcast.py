"""Fan-out of committed board events to the board's Socket.IO room (in-process, or
through the Redis message queue when SOCKETIO_MESSAGE_QUEUE is set), the presence of
connected people, and cutting off removed participants.

Events leave only after their transaction committed (the services queue them with
`after_commit`). A per-board lock held from taking the seq until the emit keeps this
process's events in seq order on the wire; clients buffer and rejoin on a gap across
processes."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from extensions import socketio

NAMESPACE = "/board"

_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)
_locks_guard = threading.Lock()
# board id -> sid -> the connected person (this process's connections only)
_present: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)


def board_room(board_id: int) -> str:
    return f"board:{board_id}"


def person_room(board_id: int, person_id: int) -> str:
    return f"board:{board_id}:person:{person_id}"


@contextmanager
def board_lock(board_id: int) -> Iterator[None]:
    with _locks_guard:
        lock = _locks[board_id]
    with lock:
        yield


def publish_event(event: dict[str, Any]) -> None:
    socketio.emit("event", event, to=board_room(event["board"]), namespace=NAMESPACE)


def publish_removal(board_id: int, person_id: int, reason: str) -> None:
    """Tell the removed person, then close their connections to this board (here
    directly; in other processes their next event is refused by the database check)."""
    payload = {"board": board_id, "reason": reason}
    socketio.emit(
        "removed", payload, to=person_room(board_id, person_id), namespace=NAMESPACE
    )
    for sid, person in list(_present[board_id].items()):
        if person["id"] == person_id:
            socketio.server.disconnect(sid, namespace=NAMESPACE)


def enter(board_id: int, sid: str, person: dict[str, Any]) -> None:
    _present[board_id][sid] = person
    publish_presence(board_id)


def leave(board_id: int, sid: str) -> None:
    if _present[board_id].pop(sid, None) is not None:
        publish_presence(board_id)


def boards_of(sid: str) -> list[int]:
    return [board_id for board_id, sids in _present.items() if sid in sids]


def presence(board_id: int) -> list[dict[str, Any]]:
    """Everyone connected to the board, once each, in the order they arrived."""
    people: dict[int, dict[str, Any]] = {}
    for person in _present[board_id].values():
        people.setdefault(person["id"], person)
    return list(people.values())


def publish_presence(board_id: int) -> None:
    payload = {"board": board_id, "people": presence(board_id)}
    socketio.emit("presence", payload, to=board_room(board_id), namespace=NAMESPACE)
