"""A slow real SMTP server (aiosmtpd on a free port), as a far or busy mail server is:
it waits before greeting each session (TLS, greylisting, a queue) and a little for
each message. Used by the e-mail tests and the benchmark."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiosmtpd.controller import Controller

from tests.conftest import free_port


class SlowInbox:
    """Counts the sessions and the messages it accepted."""

    def __init__(self, session_delay: float, message_delay: float) -> None:
        self.session_delay = session_delay
        self.message_delay = message_delay
        self.sessions = 0
        self.received = 0

    async def handle_EHLO(  # noqa: N802
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: Any
    ) -> Any:
        await asyncio.sleep(self.session_delay)
        session.host_name = hostname
        self.sessions += 1
        return responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        await asyncio.sleep(self.message_delay)
        self.received += 1
        return "250 Message accepted for delivery"


@contextmanager
def slow_smtp_server(
    session_delay: float, message_delay: float
) -> Iterator[tuple[str, int, SlowInbox]]:
    inbox = SlowInbox(session_delay, message_delay)
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, inbox
    finally:
        controller.stop()
