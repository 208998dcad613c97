"""A Redis channel every app process follows (the board's events, the ends of
people's sessions): each message, JSON, handed to the process's receiver."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import redis

from extensions import socketio

log = logging.getLogger("greenpact.board")


def follow_channel(
    client: redis.Redis, channel: str, receive: Callable[[Any], None], lost: str
) -> None:
    """Start following `channel` in a background task: every message published on it,
    read as JSON, goes to `receive`; when the connection to Redis is lost, it is
    tried again every second (`lost`: what the log says then)."""

    def run() -> None:
        while True:
            try:
                pubsub = client.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
                pubsub.subscribe(channel)
                for message in pubsub.listen():
                    receive(json.loads(message["data"]))
            except redis.RedisError as exc:
                log.warning("%s (%s); retrying", lost, exc)
                socketio.sleep(1)

    socketio.start_background_task(run)
