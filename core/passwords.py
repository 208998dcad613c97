"""Password hashing with argon2id, off the event loop and capped. An argon2 hash costs
tens of milliseconds of CPU and 64 MiB: run on the gevent loop, a flood of logins
stalls every page and board of the process. So each hash and verify runs in a real
thread (under gevent the hub's thread pool, the greenlet waiting cooperatively;
unpatched, as in the CLI and tests, in the calling thread), at most
`PASSWORD_HASH_CONCURRENCY` at once, with at most `PASSWORD_HASH_WAITING` more
queued behind them; beyond that, or after waiting `PASSWORD_HASH_WAIT_SECONDS`,
`PasswordsBusy` is raised at once and the caller answers "busy, try again" instead of
stalling.

The cost comes from the configuration: RFC 9106's 64 MiB, 3 passes in production
with one lane (argon2 would otherwise start a thread per lane, and the pool's cap
would no longer bound the cores hashing takes), a cheap setting in tests (hashes made
with other parameters still verify, and are upgraded on the next login)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Flask, current_app

T = TypeVar("T")
EXTENSION = "password_pool"


class PasswordsBusy(Exception):
    """Too many password hashes are running or waiting: try again in a moment."""


class PasswordPool:
    """Admits at most `concurrency` running and `waiting` queued jobs; refuses the
    rest at once. The counters are guarded by a lock that is gevent's own when the
    process is monkey-patched (the pool is made after patching)."""

    def __init__(self, concurrency: int, waiting: int, wait_seconds: float) -> None:
        if concurrency < 1 or waiting < 0:
            raise ValueError("PASSWORD_HASH_CONCURRENCY >= 1, _WAITING >= 0")
        self.concurrency = concurrency
        self.waiting = waiting
        self.wait_seconds = wait_seconds
        self._admitted = 0
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(concurrency)

    @property
    def admitted(self) -> int:
        """Jobs running or waiting now."""
        return self._admitted

    def run(self, job: Callable[[], T]) -> T:
        """`job()` in a worker thread once a slot is free; PasswordsBusy when the
        queue is full or no slot frees up in time."""
        with self._lock:
            if self._admitted >= self.concurrency + self.waiting:
                raise PasswordsBusy
            self._admitted += 1
        try:
            if not self._slots.acquire(timeout=self.wait_seconds):
                raise PasswordsBusy
            try:
                return _off_the_loop(job)
            finally:
                self._slots.release()
        finally:
            with self._lock:
                self._admitted -= 1


def _off_the_loop(job: Callable[[], T]) -> T:
    """Under gevent, in the hub's pool of native threads (argon2 releases the GIL,
    so the loop keeps serving meanwhile); unpatched, right here (this is a thread
    already: a request's, the CLI's, a test's)."""
    from gevent import monkey

    if not monkey.is_module_patched("threading"):
        return job()
    import gevent

    result: T = gevent.get_hub().threadpool.apply(job)
    return result


def init_app(app: Flask) -> None:
    config = app.config
    app.extensions[EXTENSION] = PasswordPool(
        int(config["PASSWORD_HASH_CONCURRENCY"]),
        int(config["PASSWORD_HASH_WAITING"]),
        float(config["PASSWORD_HASH_WAIT_SECONDS"]),
    )


def _pool() -> PasswordPool:
    pool: PasswordPool = current_app.extensions[EXTENSION]
    return pool


@cache
def _hasher(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism
    )


@cache
def _dummy_hash(time_cost: int, memory_cost: int, parallelism: int) -> str:
    # Verified against when the e-mail is unknown, so both paths take the same time.
    return _hasher(time_cost, memory_cost, parallelism).hash("not-a-real-password")


def _costs() -> tuple[int, int, int]:
    config = current_app.config
    return (
        int(config["ARGON2_TIME_COST"]),
        int(config["ARGON2_MEMORY_COST"]),
        int(config["ARGON2_PARALLELISM"]),
    )


def hash_password(password: str) -> str:
    hasher = _hasher(*_costs())
    return _pool().run(lambda: hasher.hash(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; an unknown account (`None`) costs one verify
    against a dummy hash all the same, and is never a match."""
    costs = _costs()
    hasher = _hasher(*costs)

    def verify() -> bool:
        try:
            return hasher.verify(password_hash or _dummy_hash(*costs), password)
        except (VerificationError, InvalidHashError):
            return False

    return _pool().run(verify) and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher(*_costs()).check_needs_rehash(password_hash)
