"""SMTP faults under a served app (`python app.py`, its background sender on): a
server that accepts the connection and never answers, one that refuses
connections, and one that trickles its greeting a byte at a time. In each case the
registrations and pages answer at once (no request waits for SMTP), the message
stays in the outbox and is retried after the backoff (1 minute first), the sender
is never held beyond its deadline, and once the server works every message is
delivered, once."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from core.mail import OutboxMessage
from core.time import utcnow
from extensions import db
from tests.board.conftest import LiveServers, served
from tests.conftest import Inbox, csrf_from, form_data, free_port, wait_for

pytestmark = pytest.mark.smtp

MAIL_TIMEOUT = 2.0
QUICK = 1.0  # seconds: a page or a registration answers within this
FIRST_RETRY = timedelta(minutes=1)


class SilentServer:
    """Accepts connections and then says nothing (or, trickling, one byte of a
    greeting that never ends every `every` seconds)."""

    def __init__(self, port: int, trickle: float | None = None) -> None:
        self.listener = socket.create_server(("127.0.0.1", port))
        self.trickle = trickle
        self.accepted: list[float] = []
        self.connections: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        self.listener.settimeout(0.1)
        while not self.stopping.is_set():
            try:
                connection, _address = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(time.monotonic())
            self.connections.append(connection)
            if self.trickle is not None:
                threading.Thread(
                    target=self._drip, args=(connection,), daemon=True
                ).start()

    def _drip(self, connection: socket.socket) -> None:
        try:
            connection.sendall(b"220-")
            while not self.stopping.wait(self.trickle):
                connection.sendall(b"x")
        except OSError:
            return  # the client cut the connection

    def stop(self) -> None:
        self.stopping.set()
        self.listener.close()
        self.thread.join(timeout=5)
        for connection in self.connections:
            connection.close()


@contextmanager
def smtp_on(port: int) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


@contextmanager
def app_mailing_to(directory: Path, port: int) -> Iterator[LiveServers]:
    with served(
        directory,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(port),
        MAIL_SENDER="1",
        MAIL_TIMEOUT=str(MAIL_TIMEOUT),
    ) as live:
        yield live


class Visitor:
    """A browser's worth of HTTP: pages and registrations, each timed."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http = requests.Session()
        self.http.trust_env = False
        self.timings: list[float] = []
        self.count = 0

    def timed(self, call: Callable[[], requests.Response]) -> requests.Response:
        started = time.monotonic()
        response = call()
        self.timings.append(time.monotonic() - started)
        return response

    def page(self) -> str:
        response = self.timed(
            lambda: self.http.get(self.url + "/p/ilfov/register", timeout=30)
        )
        assert response.status_code == 200
        return response.text

    def register(self) -> str:
        self.count += 1
        email = f"contact{self.count}@org{self.count}.ro"
        data = form_data(
            contact_email=email,
            organisation_name=f"Organisation {self.count} SRL",
            registration_number=f"J23/{self.count}/2020",
        )
        data["csrf_token"] = csrf_from(self.page())
        response = self.timed(
            lambda: self.http.post(
                self.url + "/p/ilfov/register",
                data=data,
                allow_redirects=False,
                timeout=30,
            )
        )
        assert response.status_code == 302, response.text[:300]
        return email


def outbox(live: LiveServers) -> list[OutboxMessage]:
    with live.seeder.app.app_context():
        try:
            messages = list(
                db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            )
            db.session.expunge_all()
            return messages
        finally:
            db.session.remove()


def statuses(live: LiveServers) -> list[str]:
    return [message.status for message in outbox(live)]


def fast_forward_retries(live: LiveServers) -> None:
    """Move every failed message's retry time into the past: the minute of the
    first backoff has passed."""
    with live.seeder.app.app_context():
        try:
            db.session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == "failed")
                .values(next_attempt_at=utcnow() - timedelta(seconds=1))
            )
            db.session.commit()
        finally:
            db.session.remove()


def assert_retried_after_the_backoff(live: LiveServers) -> None:
    for message in outbox(live):
        assert message.status == "failed"
        assert message.attempts >= 1
        assert message.next_attempt_at is not None
        wait = message.next_attempt_at - utcnow()
        assert FIRST_RETRY - timedelta(seconds=15) < wait <= FIRST_RETRY


def deliver_once_the_server_works(
    live: LiveServers, visitor: Visitor, inbox: Inbox, emails: list[str]
) -> float:
    """The next registration wakes the sender, which delivers it and the failed
    ones (their retry time has come); seconds until all were received."""
    fast_forward_retries(live)
    started = time.monotonic()
    emails = [*emails, visitor.register()]
    wait_for(lambda: len(inbox.messages) >= len(emails), "the deliveries", 30)
    took = time.monotonic() - started
    wait_for(lambda: statuses(live) == ["sent"] * len(emails), "the outbox", 10)
    time.sleep(0.5)  # anything sent twice would have arrived by now
    assert sorted(e.rcpt_tos[0] for e in inbox.messages) == sorted(emails)
    return took


def test_a_server_that_never_answers_holds_no_request_and_the_mail_waits_for_it(
    tmp_path: Path,
):
    port = free_port()
    silent = SilentServer(port)
    try:
        with app_mailing_to(tmp_path, port) as live:
            visitor = Visitor(live.servers[0].url)
            emails = [visitor.register()]
            wait_for(lambda: bool(silent.accepted), "the sender to connect", 10)
            hung_at = silent.accepted[0]
            emails.append(visitor.register())  # while the sender hangs
            for _n in range(5):
                visitor.page()
            assert time.monotonic() - hung_at < MAIL_TIMEOUT, "asked during the hang"
            assert max(visitor.timings) < QUICK, visitor.timings

            wait_for(lambda: statuses(live) == ["failed"] * 2, "the timeouts", 20)
            freed = time.monotonic() - hung_at
            assert_retried_after_the_backoff(live)
            silent.stop()
            with smtp_on(port) as inbox:
                took = deliver_once_the_server_works(live, visitor, inbox, emails)
            print(  # the figures of the report (pytest -s)
                f"slowest request {max(visitor.timings):.3f} s during the hang; "
                f"both messages failed {freed:.1f} s after it began; "
                f"delivered {took:.2f} s after the server worked"
            )
    finally:
        silent.stop()


def test_a_server_that_refuses_connections_holds_no_request_and_the_mail_waits(
    tmp_path: Path,
):
    port = free_port()  # nobody listens: every connection is refused
    with app_mailing_to(tmp_path, port) as live:
        visitor = Visitor(live.servers[0].url)
        emails = [visitor.register(), visitor.register()]
        assert max(visitor.timings) < QUICK, visitor.timings
        wait_for(lambda: statuses(live) == ["failed"] * 2, "the refusals", 20)
        assert_retried_after_the_backoff(live)
        with smtp_on(port) as inbox:
            deliver_once_the_server_works(live, visitor, inbox, emails)


def test_a_server_that_trickles_its_greeting_is_cut_off_at_the_deadline(
    tmp_path: Path,
):
    """Each byte comes well within MAIL_TIMEOUT, so no read ever times out; the
    message's deadline (six MAIL_TIMEOUTs) cuts the connection."""
    port = free_port()
    trickling = SilentServer(port, trickle=MAIL_TIMEOUT / 4)
    try:
        with app_mailing_to(tmp_path, port) as live:
            visitor = Visitor(live.servers[0].url)
            emails = [visitor.register()]
            wait_for(lambda: bool(trickling.accepted), "the sender to connect", 10)
            wait_for(lambda: statuses(live) == ["failed"], "the deadline", 30)
            held = time.monotonic() - trickling.accepted[0]
            assert held < 6 * MAIL_TIMEOUT + 3, held
            assert_retried_after_the_backoff(live)
            trickling.stop()
            with smtp_on(port) as inbox:
                deliver_once_the_server_works(live, visitor, inbox, emails)
    finally:
        trickling.stop()
