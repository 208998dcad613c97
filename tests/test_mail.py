"""E-mail leaves through a real SMTP server (aiosmtpd on a free port) after the commit,
sent by the app's background sender, and a delivery failure loses nothing."""

from __future__ import annotations

import email
import email.policy
import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.mail import OutboxMessage, OutboxSender, deliver_due, deliver_pending
from extensions import db
from stakeholders.models import Organisation
from tests.conftest import csrf_from, form_data, free_port, wait_for
from tests.workshops.factories import join_links, new_workshop
from workshops.enrolment import enrol_people


@pytest.mark.smtp
def test_registration_sends_the_confirmation_over_smtp(
    app: Flask,
    client: FlaskClient,
    make_pact: Callable[..., int],
    smtp_server: tuple[str, int, Any],
    outbox_sender: OutboxSender,
):
    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    make_pact("ilfov")
    token = csrf_from(client.get("/p/ilfov/register?lang=ro").get_data(as_text=True))
    response = client.post(
        "/p/ilfov/register", data={**form_data(), "csrf_token": token}
    )
    assert response.status_code == 302
    assert db.session.scalars(select(Organisation)).one()
    wait_for(lambda: len(inbox.messages) == 1, "the confirmation")
    envelope = inbox.messages[0]
    assert envelope.rcpt_tos == ["maria@ecopack.ro"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert "Ilfov" in str(message["Subject"])
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    assert "EcoPack Ambalaje SRL" in body.get_content()
    wait_for(
        lambda: db.session.scalars(select(OutboxMessage.status)).one() == "sent",
        "the outbox to record it",
    )


@pytest.mark.smtp
def test_unreachable_smtp_keeps_the_registration_and_the_message_for_a_retry(
    app: Flask,
    client: FlaskClient,
    make_pact: Callable[..., int],
    smtp_server: tuple[str, int, Any],
    caplog: pytest.LogCaptureFixture,
):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())  # nobody listens
    make_pact("ilfov")
    token = csrf_from(client.get("/p/ilfov/register").get_data(as_text=True))
    with caplog.at_level(logging.WARNING):
        response = client.post(
            "/p/ilfov/register", data={**form_data(), "csrf_token": token}
        )
        assert response.status_code == 302
        assert db.session.scalars(select(Organisation)).one()
        assert deliver_due() == {"sent": 0, "failed": 1}  # what the sender does
    message = db.session.scalars(select(OutboxMessage)).one()
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.next_attempt_at is not None
    assert "maria@ecopack.ro" not in caplog.text, "no personal data in logs"

    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    assert deliver_due() == {"sent": 0, "failed": 0}, "not before its retry time"
    assert deliver_pending() == {"sent": 1, "failed": 0}, "send-outbox: at once"
    assert len(inbox.messages) == 1
    assert deliver_pending() == {"sent": 0, "failed": 0}


def test_without_mail_server_the_message_is_logged_and_kept(
    app: Flask,
    client: FlaskClient,
    make_pact: Callable[..., int],
    caplog: pytest.LogCaptureFixture,
):
    make_pact("ilfov")
    token = csrf_from(client.get("/p/ilfov/register").get_data(as_text=True))
    client.post("/p/ilfov/register", data={**form_data(), "csrf_token": token})
    assert db.session.scalars(select(OutboxMessage)).one().status == "queued"
    with caplog.at_level(logging.INFO, logger="greenpact.mail"):
        assert deliver_due() == {"sent": 1, "failed": 0}
    assert "not sent" in caplog.text
    assert db.session.scalars(select(OutboxMessage)).one().status == "sent"


@pytest.mark.parametrize("bodies", [False, True], ids=["production", "make-run"])
def test_an_unsent_message_reaches_the_log_in_full_only_when_asked(
    app: Flask,
    client: FlaskClient,
    make_pact: Callable[..., int],
    caplog: pytest.LogCaptureFixture,
    bodies: bool,
):
    app.config["MAIL_LOG_BODIES"] = bodies
    make_pact("ilfov")
    token = csrf_from(client.get("/p/ilfov/register").get_data(as_text=True))
    client.post("/p/ilfov/register", data={**form_data(), "csrf_token": token})
    with caplog.at_level(logging.INFO, logger="greenpact.mail"):
        deliver_due()
    assert "not sent" in caplog.text
    assert ("Maria Popescu" in caplog.text) is bodies  # the contact's name


def test_a_logged_email_is_decoded_text_with_its_join_link_whole_and_clickable(
    app: Flask,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., dict[str, Any]],
    caplog: pytest.LogCaptureFixture,
):
    """`make run`: the log shows the e-mail as read, not its quoted-printable wire
    form (which cuts a long link with `=` and a line break), and does not mask it."""
    app.config["MAIL_LOG_BODIES"] = True
    official = make_staff("official")
    workshop = new_workshop(official, make_pact("ilfov"))
    person = make_registration("ilfov", status="approved")["person"]
    enrol_people(official, workshop, [person])
    invitation = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.contains("invit"))
    ).one()
    ((workshop_id, token),) = join_links(invitation.body)
    link = f"{app.config['PUBLIC_URL'].rstrip('/')}/w/{workshop_id}/join/{token}"

    with caplog.at_level(logging.INFO, logger="greenpact.mail"):
        deliver_due()

    logged = caplog.text.splitlines()
    assert any(line.strip() == link or f" {link}" in line for line in logged)
    assert f"Subject: {invitation.subject}" in logged
    assert "=\n" not in caplog.text  # no quoted-printable soft line break
    assert "[attached: invite.ics]" in logged


def test_nothing_is_sent_when_the_transaction_rolls_back(
    app: Flask, make_pact: Callable[..., int]
):
    from core.mail import queue_email
    from core.transactions import rollback

    make_pact("ilfov")
    queue_email("someone@x.ro", "subject", "body")
    rollback()
    assert db.session.scalars(select(OutboxMessage)).all() == []
    assert db.session.info.get("after_commit") is None
