"""The officials' daily digest of waiting registrations: sent through the outbox and
read from a real SMTP server, once a day, in the official's language, to officials
only, and never to one who turned it off."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from datetime import date
from email.message import Message
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.mail import OutboxMessage, deliver_pending
from extensions import db
from stakeholders.digests import send_digests
from stakeholders.models import Person
from tests.conftest import csrf_from

TODAY = date(2026, 12, 7)


def received(inbox: Any) -> list[Message]:
    return [
        email.message_from_bytes(e.content, policy=email.policy.default)
        for e in inbox.messages
    ]


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


@pytest.mark.smtp
def test_an_official_gets_one_digest_a_day_in_their_language(
    app: Flask,
    smtp_server: tuple[str, int, Any],
    make_staff: Callable[..., int],
    make_registration: Callable[..., Any],
):
    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    official = make_staff("official")
    make_staff("facilitator")
    make_staff("official", pacts=("torino",))  # nothing waits in Torino
    person = db.session.get(Person, official)
    assert person is not None
    person.language = "ro"
    db.session.commit()
    make_registration()
    make_registration()
    make_registration(status="approved")

    assert send_digests(TODAY) == {"sent": 1}
    assert send_digests(TODAY) == {"sent": 0}, "the same day: nothing again"
    deliver_pending()

    (message,) = received(inbox)
    assert message["To"] == person.email
    assert str(message["Subject"]).startswith("2 înregistrări așteaptă o decizie")
    body = body_of(message)
    assert "2 înregistrări pentru" in body
    assert "/staff/p/ilfov/registrations?status=pending" in body
    assert "/staff/password" in body
    assert send_digests(date(2026, 12, 8)) == {"sent": 1}, "the next day, again"


def test_no_digest_when_nothing_waits(
    app: Flask, make_staff: Callable[..., int], make_registration: Callable[..., Any]
):
    make_staff("official")
    make_registration(status="approved")
    assert send_digests(TODAY) == {"sent": 0}
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_an_official_turns_the_digest_off_on_their_account_page(
    client: FlaskClient,
    make_staff: Callable[..., int],
    login: Callable[[int], None],
    make_registration: Callable[..., Any],
):
    official = make_staff("official")
    login(official)
    make_registration()
    page = client.get("/staff/password?lang=en").get_data(as_text=True)
    assert "E-mail me once a day when registrations wait for a decision" in page
    assert 'id="daily_digest" name="daily_digest" type="checkbox" value="y"' in page
    response = client.post("/staff/notifications", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 302
    assert send_digests(TODAY) == {"sent": 0}

    client.post(
        "/staff/notifications",
        data={"csrf_token": csrf_from(page), "daily_digest": "y"},
    )
    assert send_digests(TODAY) == {"sent": 1}


def test_the_opt_out_needs_the_csrf_token(
    client: FlaskClient, make_staff: Callable[..., int], login: Callable[[int], None]
):
    official = make_staff("official")
    login(official)
    assert client.post("/staff/notifications", data={}).status_code == 400
    person = db.session.get(Person, official)
    assert person is not None
    assert person.daily_digest is True


def test_send_digests_command_prints_what_it_sent(
    app: Flask, make_staff: Callable[..., int], make_registration: Callable[..., Any]
):
    make_staff("official")
    make_registration()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["send-digests", "--today", "2026-12-07"])
    again = runner.invoke(args=["send-digests", "--today", "2026-12-07"])
    assert (first.output.strip(), again.output.strip()) == (
        '{"sent": 1}',
        '{"sent": 0}',
    )
