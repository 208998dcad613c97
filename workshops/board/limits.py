"""Limits on one person's use of a board, however many connections (or app processes)
they use: their changes on the board share one token bucket (20 a second, bursts of
40), and they hold at most BOARD_CONNECTIONS_PER_PERSON connections to it at once.
A connection holds its place on a board from a connect that names the board
(`auth.board`) or from its `join`, until it leaves the board or disconnects.

Counted in this process's memory, or, when several processes share a message queue,
in its Redis: the bucket is one Lua script (Redis's clock, so the processes' clocks
do not matter), and each held place is an entry of a sorted set that its process
refreshes every third of the presence TTL, so that the places of a process that died
free themselves within the TTL. Should Redis fail, the limits let the change or the
connection through (logged): the board keeps working, unthrottled, until it is back."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from typing import Any, Protocol

import redis

from core.choices import EVENT_BURST, EVENTS_PER_SECOND
from core.shared_store import redis_client
from workshops.board.heartbeat import Heartbeat
from workshops.board.rules import TokenBucket

log = logging.getLogger("greenpact.board")

Place = tuple[int, int]  # (board id, person id)
# Idle buckets are full buckets: past this many, the idle ones are dropped.
BUCKETS_KEPT = 10_000

# KEYS[1]: the bucket; ARGV: rate, burst. 1 when a token was taken.
TAKE = """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local rate, burst = tonumber(ARGV[1]), tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(state[1]) or burst
local updated = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - updated) * rate)
local taken = 0
if tokens >= 1 then
  tokens = tokens - 1
  taken = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return taken
"""
# KEYS[1]: the person's places on the board; ARGV: sid, limit, now, ttl. 1 when
# the connection holds a place (it had one, or one was free).
HOLD = """
local sid, limit = ARGV[1], tonumber(ARGV[2])
local now, ttl = tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - ttl)
if not redis.call('ZSCORE', KEYS[1], sid) and redis.call('ZCARD', KEYS[1]) >= limit then
  return 0
end
redis.call('ZADD', KEYS[1], now, sid)
redis.call('EXPIRE', KEYS[1], math.ceil(ttl * 2))
return 1
"""


class BoardLimits(Protocol):
    def take(self, board_id: int, person_id: int) -> bool:
        """Whether the person may make one more change on the board now."""

    def hold(self, board_id: int, person_id: int, sid: str) -> bool:
        """Give the connection a place on the board (it may have one already);
        False when the person's places are all taken."""

    def release(self, sid: str, board_id: int | None = None) -> None:
        """Free the connection's place on the board (on every board if None)."""


class Held:
    """Which places each connection of this process holds."""

    def __init__(self) -> None:
        self.by_sid: dict[str, set[Place]] = defaultdict(set)

    def add(self, sid: str, place: Place) -> None:
        self.by_sid[sid].add(place)

    def remove(self, sid: str, board_id: int | None) -> list[Place]:
        places = self.by_sid.get(sid, set())
        gone = [place for place in places if board_id in (None, place[0])]
        places.difference_update(gone)
        if not places:
            self.by_sid.pop(sid, None)
        return gone


class LocalLimits:
    """One process: buckets and places in memory."""

    def __init__(self, connections: int) -> None:
        self.connections = connections
        self.buckets: dict[Place, TokenBucket] = {}
        self.places: dict[Place, set[str]] = defaultdict(set)
        self.held = Held()
        self.lock = threading.Lock()

    def take(self, board_id: int, person_id: int) -> bool:
        now = time.monotonic()
        with self.lock:
            bucket = self.buckets.get((board_id, person_id))
            if bucket is None:
                self._drop_idle(now)
                bucket = TokenBucket(EVENTS_PER_SECOND, EVENT_BURST, EVENT_BURST, now)
                self.buckets[board_id, person_id] = bucket
            return bucket.take(now)

    def _drop_idle(self, now: float) -> None:
        if len(self.buckets) < BUCKETS_KEPT:
            return
        refill = EVENT_BURST / EVENTS_PER_SECOND
        idle = [k for k, b in self.buckets.items() if now - b.updated >= refill]
        for key in idle:
            del self.buckets[key]

    def hold(self, board_id: int, person_id: int, sid: str) -> bool:
        place = (board_id, person_id)
        with self.lock:
            sids = self.places[place]
            if sid not in sids and len(sids) >= self.connections:
                return False
            sids.add(sid)
            self.held.add(sid, place)
            return True

    def release(self, sid: str, board_id: int | None = None) -> None:
        with self.lock:
            for place in self.held.remove(sid, board_id):
                sids = self.places[place]
                sids.discard(sid)
                if not sids:
                    del self.places[place]


class SharedLimits:
    """Several processes: buckets and places in Redis."""

    def __init__(self, url: str, connections: int, ttl: float) -> None:
        self.redis = redis_client(url)
        self.connections = connections
        self.ttl = ttl
        self.held = Held()
        self.take_script = self.redis.register_script(TAKE)
        self.hold_script = self.redis.register_script(HOLD)
        self.heartbeat = Heartbeat(ttl / 3, self.refresh, "board connection places")

    @staticmethod
    def bucket_key(board_id: int, person_id: int) -> str:
        return f"greenpact:board-rate:{board_id}:{person_id}"

    @staticmethod
    def places_key(board_id: int, person_id: int) -> str:
        return f"greenpact:board-connections:{board_id}:{person_id}"

    def take(self, board_id: int, person_id: int) -> bool:
        key = self.bucket_key(board_id, person_id)
        try:
            return bool(self.take_script([key], [EVENTS_PER_SECOND, EVENT_BURST]))
        except redis.RedisError as exc:
            log.warning("board rate limit unavailable (%s); change let through", exc)
            return True

    def hold(self, board_id: int, person_id: int, sid: str) -> bool:
        key = self.places_key(board_id, person_id)
        try:
            held = bool(
                self.hold_script([key], [sid, self.connections, time.time(), self.ttl])
            )
        except redis.RedisError as exc:
            log.warning("board connection limit unavailable (%s); let through", exc)
            return True
        if held:
            self.held.add(sid, (board_id, person_id))
            self.heartbeat.start()
        return held

    def release(self, sid: str, board_id: int | None = None) -> None:
        for place in self.held.remove(sid, board_id):
            try:
                self.redis.zrem(self.places_key(*place), sid)
            except redis.RedisError as exc:
                log.warning("could not free a board connection place (%s)", exc)

    def refresh(self) -> None:
        """Vouch for this process's connections: their places stay taken."""
        now = time.time()
        pipeline = self.redis.pipeline(transaction=False)
        for sid, places in list(self.held.by_sid.items()):
            for place in list(places):
                key = self.places_key(*place)
                pipeline.zadd(key, {sid: now})
                pipeline.expire(key, max(1, round(self.ttl * 2)))
        pipeline.execute()


_limits: BoardLimits = LocalLimits(5)


def init_board_limits(config: Any) -> None:
    """Chosen once at start-up, as the fan-out is: memory, or the queue's Redis."""
    global _limits
    connections = int(config["BOARD_CONNECTIONS_PER_PERSON"])
    queue = config["SOCKETIO_MESSAGE_QUEUE"]
    _limits = (
        SharedLimits(queue, connections, float(config["PRESENCE_TTL_SECONDS"]))
        if queue
        else LocalLimits(connections)
    )


def take_change(board_id: int, person_id: int) -> bool:
    return _limits.take(board_id, person_id)


def hold_connection(board_id: int, person_id: int, sid: str) -> bool:
    return _limits.hold(board_id, person_id, sid)


def release_connection(sid: str, board_id: int | None = None) -> None:
    _limits.release(sid, board_id)
