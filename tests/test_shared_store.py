"""The shared Redis clients wait for a free connection instead of failing: a burst
of more callers than the pool holds is served, not refused ("Too many connections"
once turned a flood on a scaled-out board into changes let through unlimited)."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest

from core import shared_store
from tests.conftest import TEST_REDIS_URL, redis_available, require_service

CALLERS = 8


def test_more_callers_than_connections_wait_their_turn_and_all_succeed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require_service(redis_available(), "Redis (TEST_REDIS_URL)")
    monkeypatch.setattr(shared_store, "POOL_SIZE", 2)
    client = shared_store.redis_client(TEST_REDIS_URL)
    key = f"greenpact-test:{uuid.uuid4().hex}"
    outcomes: list[Any] = []
    barrier = threading.Barrier(CALLERS)

    def call() -> None:
        barrier.wait(timeout=10)
        try:
            # Holds its connection for 0.2 s: the pool of 2 is soon all in use.
            outcomes.append(client.blpop([key], timeout=0.2))
        except Exception as exc:  # the test asserts on what came back
            outcomes.append(exc)

    threads = [threading.Thread(target=call) for _n in range(CALLERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    client.connection_pool.disconnect()
    assert outcomes == [None] * CALLERS


def test_text_clients_decode_replies(monkeypatch: pytest.MonkeyPatch) -> None:
    require_service(redis_available(), "Redis (TEST_REDIS_URL)")
    client = shared_store.redis_client(TEST_REDIS_URL, text=True)
    key = f"greenpact-test:{uuid.uuid4().hex}"
    try:
        client.set(key, "ilfov", ex=10)
        assert client.get(key) == "ilfov"
    finally:
        client.delete(key)
        client.connection_pool.disconnect()
