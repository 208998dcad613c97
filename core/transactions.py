"""One commit per use case, with work that must wait until the data is safely stored
(e-mails now, board broadcasts later) queued on the session and run only after commit.
No I/O happens while a transaction is open."""

from __future__ import annotations

from collections.abc import Callable

from extensions import db

_KEY = "after_commit"


def after_commit(callback: Callable[[], object]) -> None:
    """Run `callback` once the current transaction has committed; drop it on
    rollback."""
    db.session.info.setdefault(_KEY, []).append(callback)


def commit() -> None:
    """Commit the session, then run what waited for it, in the order it was queued."""
    callbacks: list[Callable[[], object]] = db.session.info.pop(_KEY, [])
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for callback in callbacks:
        callback()


def rollback() -> None:
    """Roll back and forget everything queued for after the commit."""
    db.session.info.pop(_KEY, None)
    db.session.rollback()
