"""Delivery of committed board events to the clients connected to this process,
batched per board.

A committed event is published once, after its commit and under the board's lock (so
in `seq` order): in-process straight to this process's batcher, or, with a message
queue, to one Redis channel that every app process listens to, each delivering to its
own clients. The batcher collects each board's events: on a quiet board an event
leaves at once; under load a board's frames are paced by what delivering them costs
(`Batcher`). A frame is `event` (one event) or `events` (several, in `seq` order),
encoded once per recipient group (everyone, or facilitators and participants apart
when a hidden card must reach participants without its text) and handed straight to
this process's sockets. A client whose send queue holds more than the limit is cut
off: it reconnects and catches up with `since`, and the room never waits for it."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import redis

from core.shared_store import redis_client
from extensions import socketio
from workshops.board.channels import follow_channel
from workshops.board.objects import needs_redaction, redact_event
from workshops.board.rooms import NAMESPACE, board_room, role_room
from workshops.board.rules import FACILITATOR, PARTICIPANT

log = logging.getLogger("greenpact.board")

# Seconds: a board's frames are at least this far apart (a burst of changes shares
# frames even on a small board, at a cost of at most this much waiting).
FLOOR = 0.01

Event = dict[str, Any]
Deliver = Callable[[int, list[Event]], None]


class Batcher:
    """Each board's pending events, flushed by one background task per process.

    A board's next frame leaves once the previous one has been handed to every
    socket and a gap has passed since it started: the time that delivery took over
    `share` (so that a board's fan-out takes at most that share of the process),
    never less than `floor` nor more than `window` seconds. On a small or quiet board
    that is at once; on a board of a thousand the events of several tens of
    milliseconds share a frame, and the busier the process, the more they do."""

    def __init__(
        self, window: float, deliver: Deliver, floor: float = 0.0, share: float = 0.33
    ) -> None:
        self.window = window
        self.floor = min(floor, window)
        self.share = share
        self.deliver = deliver
        self.pending: dict[int, list[Event]] = {}
        self.due: dict[int, float] = {}
        self.wake: Any = None
        # Under gevent nothing switches inside these few lines; threads (`flask run`)
        # could, and an event appended to a list being delivered would be lost.
        self.guard = threading.Lock()

    def add(self, event: Event) -> None:
        with self.guard:
            self.pending.setdefault(int(event["board"]), []).append(event)
        if self.wake is None:
            self.wake = socketio.server.eio.create_event()
            socketio.start_background_task(self.run)
        self.wake.set()

    def run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            while self.pending:
                started = time.monotonic()
                flushed = self.flush_due(started)
                if flushed:
                    # The sockets' writers run now and send what was just queued.
                    socketio.sleep(0)
                    took = time.monotonic() - started
                    gap = min(self.window, max(self.floor, took / self.share))
                    for board_id in flushed:
                        self.due[board_id] = started + gap
                socketio.sleep(self.wait(time.monotonic()))

    def flush_due(self, now: float) -> list[int]:
        """Deliver every board whose gap has passed; those boards."""
        flushed = []
        for board_id in list(self.pending):
            if self.due.get(board_id, 0.0) > now:
                continue
            with self.guard:
                events = self.pending.pop(board_id)
            flushed.append(board_id)
            try:
                self.deliver(board_id, events)
            except Exception:  # one board's failure must not stop the others
                log.exception("delivering board %s's events failed", board_id)
        return flushed

    def wait(self, now: float) -> float:
        """Seconds until the next waiting board is due (0 when one is)."""
        dues = [self.due.get(board_id, 0.0) for board_id in list(self.pending)]
        return max(0.0, min(dues, default=0.0) - now)


class SlowClients:
    """Cuts off the clients of a board whose send queue held more than `limit`
    frames at two looks in a row (a burst of acks that the client is reading is not
    slowness). A board is looked at no more often than every `every` seconds."""

    def __init__(self, limit: int, every: float = 0.25) -> None:
        self.limit = limit
        self.every = every
        self.checked: dict[int, float] = {}
        self.behind: dict[int, set[str]] = {}

    def cut_off(self, board_id: int, now: float) -> int:
        if now - self.checked.get(board_id, 0.0) < self.every:
            return 0
        self.checked[board_id] = now
        server = socketio.server
        room = board_room(board_id)
        behind, slow = set(), []
        for _sid, eio_sid in server.manager.get_participants(NAMESPACE, room):
            socket = server.eio.sockets.get(eio_sid)
            if socket is None or socket.queue.qsize() <= self.limit:
                continue
            behind.add(eio_sid)
            if eio_sid in self.behind.get(board_id, ()):
                slow.append(socket)
        self.behind[board_id] = behind
        for socket in slow:
            _abort(socket)
        return len(slow)


def _abort(socket: Any) -> None:
    """Drop what waits for the client and close its connection: its page reconnects
    and rejoins with `since`."""
    queue = socket.queue
    log.info("cut off a board client %d frames behind", queue.qsize())
    while not queue.empty():
        queue.get_nowait()
        queue.task_done()
    socket.close(wait=False, abort=True)


def emit_frames(board_id: int, events: list[Event]) -> None:
    """One frame per recipient group, each encoded once, to this process's sockets
    only (the message queue already brought the events to every process)."""
    if any(needs_redaction(event) for event in events):
        groups = [
            (role_room(board_id, FACILITATOR), events),
            (role_room(board_id, PARTICIPANT), [redact_event(e) for e in events]),
        ]
    else:
        groups = [(board_room(board_id), events)]
    for room, frame in groups:
        name, data = ("event", frame[0]) if len(frame) == 1 else ("events", frame)
        socketio.server.emit(
            name, data, to=room, namespace=NAMESPACE, ignore_queue=True
        )


class Fanout:
    """This process's delivery: the batcher, and the slow-client guard it runs
    before each frame."""

    def __init__(self, window: float, queue_limit: int) -> None:
        self.slow = SlowClients(queue_limit)
        self.batcher = Batcher(window, self.deliver, floor=FLOOR)

    def deliver(self, board_id: int, events: list[Event]) -> None:
        self.slow.cut_off(board_id, time.monotonic())
        emit_frames(board_id, events)

    def publish(self, event: Event) -> None:
        self.batcher.add(event)

    def listen(self) -> None:
        """Nothing to listen to in one process."""


class RedisFanout(Fanout):
    """Several processes: every event goes through one Redis channel, and each
    process's listener feeds its own batcher, in the order the events were
    published."""

    def __init__(self, window: float, queue_limit: int, url: str, channel: str) -> None:
        super().__init__(window, queue_limit)
        self.redis = redis_client(url)
        self.channel = channel
        self.listening = False

    def publish(self, event: Event) -> None:
        """Through Redis to every process; while Redis is unreachable, to this
        process's own clients at least (the others see the gap in `seq` and
        catch up with `since`)."""
        try:
            self.redis.publish(self.channel, json.dumps(event))
        except redis.RedisError as exc:
            log.warning("board event delivered locally only (%s)", type(exc).__name__)
            self.batcher.add(event)

    def listen(self) -> None:
        """Started when the first client joins a board on this process."""
        if not self.listening:
            self.listening = True
            # Clients see a gap while it is lost, and catch up with `since`.
            follow_channel(
                self.redis, self.channel, self.batcher.add, "board events channel lost"
            )


_fanout: Fanout = Fanout(0.05, 100)


def init_fanout(config: dict[str, Any]) -> None:
    """Chosen once at start-up: in-process, or through Redis."""
    global _fanout
    window = float(config["BOARD_BATCH_SECONDS"])
    limit = int(config["BOARD_CLIENT_QUEUE_LIMIT"])
    queue = config["SOCKETIO_MESSAGE_QUEUE"]
    if queue:
        _fanout = RedisFanout(window, limit, queue, config["BOARD_EVENTS_CHANNEL"])
    else:
        _fanout = Fanout(window, limit)


def publish(event: Event) -> None:
    _fanout.publish(event)


def listen() -> None:
    _fanout.listen()
