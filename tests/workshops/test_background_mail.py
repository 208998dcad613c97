"""Moving a workshop with 200 people enrolled: the official's request answers before
the first e-mail has left, and the background sender then delivers all 200 through
a slow real SMTP server (0.5 s before it greets each session): sent from the request,
as before, the 200 sessions would have kept the official waiting for over 100 s."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from core.mail import OutboxMessage, OutboxSender
from extensions import db
from tests.conftest import csrf_from, wait_for
from tests.slow_smtp import slow_smtp_server
from tests.workshops.factories import new_workshop
from workshops.identities import bulk_participants

YEAR = datetime.now(UTC).year + 1
MOVED = {
    "title": "Circular packaging",
    "starts_at": f"{YEAR}-09-01T15:00",
    "ends_at": f"{YEAR}-09-01T18:00",
    "place": "Otopeni town hall, room 2",
    "language": "ro",
}


def sent_count() -> int:
    db.session.rollback()  # a fresh look at what the sender committed
    query = select(func.count()).where(OutboxMessage.status == "sent")
    return db.session.scalar(query) or 0


@pytest.mark.smtp
def test_moving_a_workshop_with_200_enrolled_answers_before_any_email_leaves(
    app: Flask,
    client: FlaskClient,
    pact: int,
    official: int,
    login: Callable[[int], None],
    outbox_sender: OutboxSender,
):
    with slow_smtp_server(session_delay=0.5, message_delay=0.01) as (host, port, inbox):
        app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
        workshop = new_workshop(official, pact)
        bulk_participants(workshop, 200, 3600)
        login(official)
        page = f"/staff/p/ilfov/workshops/{workshop}/edit"
        token = csrf_from(client.get(page).get_data(as_text=True))

        response = client.post(page, data={**MOVED, "csrf_token": token})
        delivered_when_answered = inbox.received

        assert response.status_code == 302
        assert delivered_when_answered == 0, "the request waited for SMTP"
        wait_for(lambda: inbox.received == 200, "200 updated invites", timeout=120)
        wait_for(lambda: sent_count() == 200, "the outbox to record them")
        assert inbox.sessions < 200, "a batch shares one SMTP session"
