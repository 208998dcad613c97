"""A heartbeat: a background task, started on first use, that vouches for this
process in Redis every so often (presence, board connection places). While Redis is
away a beat fails, is logged, and the next one retries; the task never ends."""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis

from extensions import socketio

log = logging.getLogger(__name__)


class Heartbeat:
    def __init__(self, period: float, beat: Callable[[], None], what: str) -> None:
        self.period = period
        self.beat = beat
        self.what = what
        self.started = False

    def start(self) -> None:
        """Start beating (once; later calls do nothing)."""
        if not self.started:
            self.started = True
            socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            socketio.sleep(self.period)
            try:
                self.beat()
            except redis.RedisError as exc:
                log.warning("%s not refreshed (%s); retrying", self.what, exc)
