"""The background outbox sender: started by the app's first request (never by a CLI
command), it sweeps for messages committed elsewhere, and a message is sent once even
when several senders race for it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import insert, select, update

from core.mail import (
    OutboxMessage,
    OutboxSender,
    deliver_due,
    deliver_pending,
    queue_email,
)
from core.time import utcnow
from core.transactions import unit_of_work
from extensions import db
from tests.conftest import build_app, wait_for


def sender_threads() -> int:
    return sum(thread.name == "outbox-sender" for thread in threading.enumerate())


def status_of(message_id: int) -> str:
    db.session.rollback()  # a fresh look at what the sender committed
    return str(
        db.session.scalar(
            select(OutboxMessage.status).where(OutboxMessage.id == message_id)
        )
    )


def test_the_first_request_starts_the_sender_and_a_cli_command_does_not(
    sqlite_url: str, tmp_path: Any
):
    app = build_app(sqlite_url, MAIL_SENDER=True, EVIDENCE_FOLDER=str(tmp_path))
    sender: OutboxSender = app.extensions["outbox_sender"]
    try:
        before = sender_threads()
        result = app.test_cli_runner().invoke(args=["send-outbox"])
        assert result.exit_code == 0
        assert sender_threads() == before
        app.test_client().get("/")
        app.test_client().get("/")
        assert sender_threads() == before + 1
    finally:
        sender.stop()
        with app.app_context():
            db.engine.dispose()
    assert sender_threads() == before


def committed_elsewhere() -> int:
    """A message inserted as the CLI or another process would: nobody wakes the
    sender."""
    with db.engine.begin() as connection:
        return int(
            connection.execute(
                insert(OutboxMessage)
                .values(recipient="a@example.ro", subject="s", body="b")
                .returning(OutboxMessage.id)
            ).scalar_one()
        )


@pytest.fixture
def quick_sweeps(app: Flask) -> None:
    """Sweeps every 0.1 s from the sender's start (request it before the sender)."""
    app.config["MAIL_SWEEP_SECONDS"] = 0.1


def test_the_sender_sweeps_up_messages_committed_by_another_process(
    quick_sweeps: None, outbox_sender: OutboxSender
):
    message_id = committed_elsewhere()
    wait_for(lambda: status_of(message_id) == "sent", "the sweep")


def test_a_commit_wakes_the_sender(
    app: Flask, quick_sweeps: None, outbox_sender: OutboxSender
):
    first = committed_elsewhere()
    wait_for(lambda: status_of(first) == "sent", "the sender to run")
    app.config["MAIL_SWEEP_SECONDS"] = 600.0
    time.sleep(0.5)  # the 0.1 s wait runs out: from now on only a wake-up explains it
    with unit_of_work():
        message_id = queue_email("a@example.ro", "subject", "body").id
    wait_for(lambda: status_of(message_id) == "sent", "the woken sender", timeout=20)


def test_a_failed_message_waits_for_its_retry_time(app: Flask):
    message_id = queue_email("a@example.ro", "subject", "body").id
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(
            status="failed", attempts=1, next_attempt_at=utcnow() + timedelta(minutes=1)
        )
    )
    db.session.commit()
    assert deliver_due() == {"sent": 0, "failed": 0}
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert deliver_due() == {"sent": 1, "failed": 0}
    assert status_of(message_id) == "sent"


def test_a_message_another_sender_holds_is_left_to_it_until_its_claim_is_lost(
    app: Flask,
):
    message_id = queue_email("a@example.ro", "subject", "body").id
    held = {"status": "sending", "next_attempt_at": utcnow() + timedelta(minutes=5)}
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id).values(**held)
    )
    db.session.commit()
    assert deliver_pending() == {"sent": 0, "failed": 0}
    lost = {"next_attempt_at": utcnow() - timedelta(seconds=1)}
    db.session.execute(
        update(OutboxMessage).where(OutboxMessage.id == message_id).values(**lost)
    )
    db.session.commit()
    assert deliver_due() == {"sent": 1, "failed": 0}


@pytest.mark.smtp
def test_racing_senders_send_each_message_once(
    app: Flask, smtp_server: tuple[str, int, Any]
):
    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    for n in range(20):
        queue_email(f"person{n}@example.ro", "subject", "body")
    db.session.commit()
    outcomes: list[dict[str, int]] = []

    def sender() -> None:
        with app.app_context():
            outcomes.append(deliver_pending())
            db.session.remove()

    threads = [threading.Thread(target=sender) for _n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sum(outcome["sent"] for outcome in outcomes) == 20
    assert sorted(e.rcpt_tos[0] for e in inbox.messages) == sorted(
        f"person{n}@example.ro" for n in range(20)
    )
