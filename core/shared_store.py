"""Clients of the Redis that several app processes share (the board's fan-out,
presence, locks and limits). Each waits for a free connection of its pool instead of
failing: under gevent a busy board has hundreds of greenlets at once, and a pool
that raises "Too many connections" past its size would turn a burst into refused
changes, or into limits that let everything through."""

from __future__ import annotations

import redis

# Connections per pool (per process and purpose), and the longest a caller waits
# for one before the call fails like any other Redis error.
POOL_SIZE = 64
POOL_WAIT_SECONDS = 10.0


def redis_client(url: str, *, text: bool = False) -> redis.Redis:
    """A client whose pool makes callers wait for a connection; `text` decodes
    replies to str."""
    pool = redis.BlockingConnectionPool.from_url(
        url,
        max_connections=POOL_SIZE,
        timeout=POOL_WAIT_SECONDS,
        decode_responses=text,
    )
    return redis.Redis(connection_pool=pool)
