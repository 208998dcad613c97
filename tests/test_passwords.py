"""The password pool (core/passwords.py): at most `concurrency` hashes at once, at most
`waiting` more queued, the rest refused at once (never stalled); hashing and verifying
go through it; an unknown account still costs one verify."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask

from core import passwords
from core.passwords import PasswordPool, PasswordsBusy

WAIT = 10.0


class Blocker:
    """Jobs that hold their slot until released, counting how many run at once."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.running = 0
        self.most = 0
        self.lock = threading.Lock()

    def job(self) -> str:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            assert self.release.wait(WAIT), "the test never released the job"
            return "done"
        finally:
            with self.lock:
                self.running -= 1


@pytest.fixture
def blocker() -> Iterator[Blocker]:
    blocking = Blocker()
    try:
        yield blocking
    finally:
        blocking.release.set()


def start(
    pool: PasswordPool, job: Callable[[], Any], into: list[Any]
) -> threading.Thread:
    def run() -> None:
        try:
            into.append(pool.run(job))
        except PasswordsBusy as exc:
            into.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_the_pool_runs_at_most_its_concurrency_at_once(blocker: Blocker):
    pool = PasswordPool(concurrency=2, waiting=10, wait_seconds=WAIT)
    results: list[Any] = []
    threads = [start(pool, blocker.job, results) for _ in range(6)]
    wait_until(lambda: pool.admitted == 6 and blocker.running == 2)

    blocker.release.set()
    for thread in threads:
        thread.join(WAIT)

    assert blocker.most == 2
    assert results == ["done"] * 6
    assert pool.admitted == 0


def test_beyond_the_waiting_bound_the_pool_refuses_at_once(blocker: Blocker):
    # A job queued behind the blocked ones would wait for a slot (up to an hour):
    # refused at once, its refusal comes while every slot is still held.
    pool = PasswordPool(concurrency=1, waiting=2, wait_seconds=3600)
    results: list[Any] = []
    threads = [start(pool, blocker.job, results) for _ in range(3)]
    wait_until(lambda: pool.admitted == 3)

    with pytest.raises(PasswordsBusy):
        pool.run(lambda: "never")

    assert (blocker.running, results, pool.admitted) == (1, [], 3)
    blocker.release.set()
    for thread in threads:
        thread.join(WAIT)
    assert results == ["done"] * 3
    assert pool.run(lambda: "free again") == "free again"


def test_a_job_that_waits_too_long_for_a_slot_is_refused(blocker: Blocker):
    pool = PasswordPool(concurrency=1, waiting=5, wait_seconds=0.2)
    results: list[Any] = []
    thread = start(pool, blocker.job, results)
    wait_until(lambda: blocker.running == 1)

    with pytest.raises(PasswordsBusy):
        pool.run(lambda: "never")

    assert pool.admitted == 1
    blocker.release.set()
    thread.join(WAIT)


def test_a_failing_job_frees_its_slot():
    pool = PasswordPool(concurrency=1, waiting=0, wait_seconds=WAIT)

    def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        pool.run(fail)
    assert pool.admitted == 0
    assert pool.run(lambda: 1) == 1


def test_hash_and_verify_go_through_the_apps_pool(app: Flask, blocker: Blocker):
    app.extensions[passwords.EXTENSION] = pool = PasswordPool(1, 0, WAIT)
    password_hash = passwords.hash_password("a long enough password")
    assert passwords.verify_password(password_hash, "a long enough password")
    results: list[Any] = []
    thread = start(pool, blocker.job, results)
    wait_until(lambda: blocker.running == 1)

    with pytest.raises(PasswordsBusy):
        passwords.hash_password("another password")
    with pytest.raises(PasswordsBusy):
        passwords.verify_password(password_hash, "a long enough password")

    blocker.release.set()
    thread.join(WAIT)


def test_an_unknown_account_costs_one_verify_and_never_matches(
    app: Flask, monkeypatch: pytest.MonkeyPatch
):
    pool: PasswordPool = app.extensions[passwords.EXTENSION]
    jobs: list[str] = []
    run = pool.run

    def counted(job: Callable[[], Any]) -> Any:
        jobs.append("job")
        return run(job)

    monkeypatch.setattr(pool, "run", counted)

    assert passwords.verify_password(None, "not-a-real-password") is False
    assert jobs == ["job"]


def test_the_pool_is_sized_from_the_configuration(app: Flask):
    app.config.update(PASSWORD_HASH_CONCURRENCY=3, PASSWORD_HASH_WAITING=7)
    passwords.init_app(app)
    pool: PasswordPool = app.extensions[passwords.EXTENSION]
    assert (pool.concurrency, pool.waiting) == (3, 7)


def test_the_limits_and_the_pool_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
):
    from config import Config

    settings = {
        "PASSWORD_HASH_CONCURRENCY": "4",
        "PASSWORD_HASH_WAITING": "16",
        "PASSWORD_HASH_WAIT_SECONDS": "2.5",
        "LOGIN_FAILURE_LIMIT": "3 per 10 minutes",
        "LOGIN_ADDRESS_FAILURE_LIMIT": "100 per 15 minutes",
        "LOGIN_LINK_LIMIT": "2 per hour",
        "LOGIN_LINK_ADDRESS_LIMIT": "20 per hour",
        "LOGIN_LINK_TTL_SECONDS": "600",
        "LOGIN_SESSION_IDLE_SECONDS": "3600",
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)

    read = Config.from_environment()

    assert {name: str(read[name]) for name in settings} == settings
