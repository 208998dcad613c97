"""One unit of work per use case: `@use_case` (or `with unit_of_work():`) commits once
when the use case returns, rolls back on any exception (a DomainError or anything
else) and only then lets the exception go on, and runs the work that must wait until
the data is safely stored (e-mails, board broadcasts) after the commit, never after a
rollback. A use case called from another joins the outer unit: only the outermost
commits. No I/O happens while a transaction is open.

Every use case of the app packages is decorated; nothing else commits (the outbox
sender in core/mail.py, with its own session, excepted). `rollback()` stays public
for the error handlers that clean a session an unexpected exception left behind."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from extensions import db

log = logging.getLogger("greenpact.transactions")

_KEY = "after_commit"
_DEPTH = "unit_of_work_depth"
_DOOMED = "unit_of_work_doomed"

P = ParamSpec("P")
R = TypeVar("R")


class NestedUseCaseFailed(RuntimeError):
    """A use case inside the unit failed, and its caller carried on as if it had
    not: the half-done work is rolled back rather than committed."""


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current transaction has committed; drop it on
    rollback."""
    db.session.info.setdefault(_KEY, []).append(callback)


@contextmanager
def unit_of_work() -> Iterator[None]:
    """Run the block as one unit: commit and run the after-commit queue when it
    ends normally, roll back and forget the queue when it raises. Nested blocks join
    the outermost one."""
    info = db.session.info
    depth = info.get(_DEPTH, 0)
    info[_DEPTH] = depth + 1
    try:
        yield
    except BaseException:
        if depth:
            # The outer use case decides; whatever it does, this unit cannot commit.
            info[_DEPTH], info[_DOOMED] = depth, True
        else:
            _end_unit()
            rollback()
        raise
    if depth:
        info[_DEPTH] = depth
        return
    doomed = info.get(_DOOMED, False)
    _end_unit()
    if doomed:
        rollback()
        raise NestedUseCaseFailed("a nested use case failed; nothing was committed")
    _commit()


def use_case(function: Callable[P, R]) -> Callable[P, R]:
    """Run the decorated service in a unit of work (see `unit_of_work`)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with unit_of_work():
            return function(*args, **kwargs)

    # Lets tests/test_use_cases.py find every use case by looking at the function.
    run.__use_case__ = True  # type: ignore[attr-defined]
    return run


def _commit() -> None:
    """Commit the session, then run what waited for it, in the order it was queued."""
    callbacks: list[Callable[[], object]] = db.session.info.pop(_KEY, [])
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for callback in callbacks:
        _run_after_commit(callback)


def rollback() -> None:
    """Roll back and forget everything queued for after the commit."""
    db.session.info.pop(_KEY, None)
    db.session.rollback()


def _end_unit() -> None:
    db.session.info.pop(_DEPTH, None)
    db.session.info.pop(_DOOMED, None)


def _run_after_commit(callback: Callable[[], object]) -> None:
    # The data is stored: a failing callback must not turn the use case into an
    # error the caller would retry.
    try:
        callback()
    except Exception as exc:
        # Type only: the message may quote personal data.
        log.error("after-commit callback failed: %s", type(exc).__name__)
