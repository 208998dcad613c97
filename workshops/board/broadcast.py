"""Fan-out of committed board events (workshops.board.fanout batches and delivers
them, in-process or through the Redis message queue), the presence of connected
people, and cutting off removed participants.

Events leave only after their transaction committed (the services queue them with
`after_commit`). A per-board lock held from taking the seq until the event is
published (a Redis lock when several processes share a message queue) keeps events
in seq order on the wire; clients still buffer and rejoin on a gap (a dropped
connection).

With several processes, presence lives in Redis: each process refreshes its own
people's entries every third of the presence TTL, and an entry not refreshed within
the TTL (its process died) is dropped and the board told."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import redis

from core.shared_store import redis_client
from extensions import socketio
from workshops.board import fanout
from workshops.board.heartbeat import Heartbeat
from workshops.board.rooms import NAMESPACE, board_room, person_room, role_room
from workshops.board.rules import BoardError

__all__ = ["NAMESPACE", "board_room", "person_room", "role_room"]

log = logging.getLogger("greenpact.board")

# Seconds: the longest a board change may hold the cross-process board lock.
# A process that dies holding it leaves the board's writers waiting this long; a
# change that outlives it is still committed and acknowledged (its event may then
# reach clients after a later one, which they put back in order).
LOCK_TIMEOUT = 3
# How long a change waits for the lock before it is refused (`internal`, nothing
# changed): under heavy load a board's queue of writers may take longer than one
# lock's life to pass.
LOCK_WAIT = 10
# Seconds between two presence lists of one board while people keep arriving: at
# least this, and more on a big board (a list of a thousand people is 80 KB for each
# of them), up to the longest.
PRESENCE_WINDOW = 0.5
PRESENCE_LONGEST = 5.0

_locks: dict[int, threading.Lock] = defaultdict(threading.Lock)
_locks_guard = threading.Lock()
# board id -> sid -> the connected person and when they arrived (this process's
# connections only)
_present: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)


class SharedPresence:
    """Everyone connected to each board through any app process: a Redis hash per
    board, sid -> person with the time they arrived and the time their process last
    vouched for them. Entries older than `ttl` seconds belong to a dead process."""

    def __init__(self, url: str, ttl: float) -> None:
        self.redis = redis_client(url, text=True)
        self.ttl = ttl
        self.heartbeat = Heartbeat(ttl / 3, self._beat, "presence")

    @staticmethod
    def key(board_id: int) -> str:
        return f"greenpact:presence:{board_id}"

    def store(self, entries: dict[int, dict[str, dict[str, Any]]]) -> None:
        """Write (or refresh) these entries as seen now; a board's hash outlives
        its last refresh by the TTL."""
        now = time.time()
        pipeline = self.redis.pipeline(transaction=False)
        for board_id, by_sid in entries.items():
            if not by_sid:
                continue
            for sid, entry in by_sid.items():
                pipeline.hset(
                    self.key(board_id), sid, json.dumps({**entry, "seen": now})
                )
            pipeline.expire(self.key(board_id), max(1, round(self.ttl * 2)))
        pipeline.execute()

    def board_lock(self, board_id: int) -> Any:
        """Released at the latest after LOCK_TIMEOUT should its holder die. Only one
        writer per board and process polls (the others queue on the process's own
        lock), every 20 ms: under load, polling every 2 ms was thousands of
        commands a second for Redis, which also carries every board's events."""
        return self.redis.lock(
            f"greenpact:board-lock:{board_id}",
            timeout=LOCK_TIMEOUT,
            sleep=0.02,
            blocking_timeout=LOCK_WAIT,
        )

    def remove(self, board_id: int, sid: str) -> None:
        self.redis.hdel(self.key(board_id), sid)

    def people(self, board_id: int) -> dict[str, dict[str, Any]]:
        """The live entries, in the order they arrived (stale ones dropped)."""
        return self._read(board_id)[0]

    def drop_stale(self, board_id: int) -> bool:
        """Drop the entries of dead processes; whether this call dropped any."""
        return self._read(board_id)[1]

    def _read(self, board_id: int) -> tuple[dict[str, dict[str, Any]], bool]:
        entries: dict[str, str] = self.redis.hgetall(self.key(board_id))  # type: ignore[assignment]
        oldest = time.time() - self.ttl
        live, stale = {}, []
        for sid, raw in entries.items():
            entry = json.loads(raw)
            if entry.pop("seen", 0) < oldest:
                stale.append(sid)
            else:
                live[sid] = entry
        dropped = bool(stale) and bool(self.redis.hdel(self.key(board_id), *stale))
        ordered = sorted(live.items(), key=lambda item: item[1].pop("at"))
        return dict(ordered), dropped

    def _beat(self) -> None:
        self.store(_present)
        for board_id, by_sid in list(_present.items()):
            if by_sid and self.drop_stale(board_id):
                publish_presence(board_id)


_shared: SharedPresence | None = None


def init_board_fanout(config: dict[str, Any]) -> None:
    """Chosen once at start-up: this process's connections only, or Redis."""
    global _shared
    queue = config["SOCKETIO_MESSAGE_QUEUE"]
    _shared = (
        SharedPresence(queue, float(config["PRESENCE_TTL_SECONDS"])) if queue else None
    )
    fanout.init_fanout(config)


def _connected(board_id: int) -> dict[str, dict[str, Any]]:
    if _shared:
        return _shared.people(board_id)
    # In the order they arrived: the order they were added in.
    return {sid: _without_time(entry) for sid, entry in _present[board_id].items()}


def _without_time(entry: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in entry.items() if key != "at"}


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
        shared = _shared.board_lock(board_id)
        if not _acquire(shared):
            raise BoardError("internal", "the board is busy; try again")
        try:
            yield
        finally:
            _release(shared)


def _acquire(lock: Any) -> bool:
    """Whether the Redis lock was taken. Redis unreachable: no change can be made
    (nothing has been touched yet), and the client may try again."""
    try:
        return bool(lock.acquire())
    except redis.RedisError as exc:
        log.warning("board lock unavailable (%s)", type(exc).__name__)
        raise BoardError(
            "internal", "the board is unavailable for a moment; try again"
        ) from None


def _release(lock: Any) -> None:
    """Never raises: the change is committed by now, and its ack must say so. A
    lock that cannot be released (Redis restarted, or the change outlived it)
    expires by itself after LOCK_TIMEOUT."""
    try:
        lock.release()
    except redis.exceptions.LockNotOwnedError:
        log.warning("a board change outlived its lock (%s s)", LOCK_TIMEOUT)
    except redis.RedisError as exc:
        log.warning("board lock not released (%s)", type(exc).__name__)


def publish_event(event: dict[str, Any]) -> None:
    fanout.publish(event)


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


def publish_own_votes(board_id: int, person_id: int, votes: dict[str, Any]) -> None:
    """Tell every connection of a voter their own votes on a card and their votes
    left (`votes`): before the reveal, the vote events they get say neither."""
    socketio.emit(
        "votes", votes, to=person_room(board_id, person_id), namespace=NAMESPACE
    )


def enter(board_id: int, sid: str, person: dict[str, Any]) -> None:
    entry = {**person, "at": time.time()}
    _present[board_id][sid] = entry
    fanout.listen()
    if _shared:
        _shared.heartbeat.start()
        _shared_presence(_shared.store, {board_id: {sid: entry}})
    publish_presence(board_id)


def _shared_presence(change: Any, *args: Any) -> None:
    """Write this process's presence to Redis; while Redis is away, the heartbeat
    writes it again once it is back (and a departed person's entry ages out)."""
    try:
        change(*args)
    except redis.RedisError as exc:
        log.warning(
            "presence not shared (%s); the heartbeat retries", type(exc).__name__
        )


def leave(board_id: int, sid: str) -> None:
    if _present[board_id].pop(sid, None) is not None:
        if _shared:
            _shared_presence(_shared.remove, board_id, sid)
        publish_presence(board_id)


def is_present(board_id: int, sid: str) -> bool:
    """Whether this connection joined the board (through this process)."""
    return sid in _present.get(board_id, {})


def boards_of(sid: str) -> list[int]:
    return [board_id for board_id, sids in _present.items() if sid in sids]


def presence(board_id: int) -> list[dict[str, Any]]:
    """Everyone connected to the board, once each, in the order they arrived."""
    people: dict[int, dict[str, Any]] = {}
    for person in _connected(board_id).values():
        people.setdefault(person["id"], person)
    return list(people.values())


def publish_presence(board_id: int) -> None:
    """Tell the board who is here: at once on a quiet board; while people arrive in
    numbers (the start of a 1,000-person kick-off), one list per window instead of
    one per arrival, each to everyone."""
    _presence_batcher.add({"board": board_id})


def _emit_presence(board_id: int, _changes: list[dict[str, Any]]) -> None:
    payload = {"board": board_id, "people": presence(board_id)}
    socketio.emit("presence", payload, to=board_room(board_id), namespace=NAMESPACE)


_presence_batcher = fanout.Batcher(
    PRESENCE_LONGEST, _emit_presence, floor=PRESENCE_WINDOW, share=0.1
)
