"""CPU-heavy work a request asks for (a PDF, a large workbook) run off the event
loop: under gevent (`python app.py`) seconds of CPU in a request would stall every
live board of the process, so the work runs in one native thread of its own (one job
at a time) while the loop goes on. Elsewhere (`flask run`, the CLI, tests) it runs in
the calling thread. The work gets plain data: no database session, no request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")

_render_thread: Any = None


def off_the_event_loop(work: Callable[..., T], *args: Any) -> T:
    """`work(*args)`, in the render thread under gevent, else right here."""
    global _render_thread
    from gevent import monkey

    if not monkey.is_module_patched("threading"):
        return work(*args)
    if _render_thread is None:
        from gevent.threadpool import ThreadPool

        _render_thread = ThreadPool(1)
    return cast(T, _render_thread.apply(work, args))


def let_others_run() -> None:
    """Under gevent, let the loop serve the other requests for a moment (called
    between the steps of long CPU work in a request); elsewhere nothing. Only while
    the request has written nothing yet: a write transaction held across the pause
    would block every other writer of a SQLite database."""
    from gevent import monkey

    if monkey.is_module_patched("threading"):
        import gevent

        gevent.sleep(0)
