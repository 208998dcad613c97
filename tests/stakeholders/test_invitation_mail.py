"""Staff invitations leave through a real SMTP server (aiosmtpd on a free port): the
invited person receives, in the language chosen for them, a link that sets their
password and logs them in."""

from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from core.mail import deliver_due
from extensions import db
from stakeholders.accounts.invitations import invite_staff
from stakeholders.models import Person
from tests.stakeholders.accounts_helpers import set_password


@pytest.mark.smtp
def test_the_invitation_reaches_a_real_smtp_server_and_its_link_works(
    app: Flask,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    smtp_server: tuple[str, int, Any],
):
    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    pact = make_pact("ilfov")
    official = make_staff("official")

    invite_staff(official, pact, "elena@ilfov.ro", "Elena Dinu", "facilitator", "ro")
    assert deliver_due() == {"sent": 1, "failed": 0}

    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["elena@ilfov.ro"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    text = str(body.get_content())
    assert "echipa" in str(message["Subject"])  # written in Romanian
    found = re.search(r"http://localhost(/invitation/[A-Za-z0-9_-]+)", text)
    assert found, text

    client = app.test_client()
    done = set_password(client, found.group(1), "parola mea cea noua", name="Elena")

    assert done.headers["Location"] == "/staff/"
    assert client.get("/staff/").status_code == 200
    invited = db.session.scalars(
        select(Person).where(Person.email == "elena@ilfov.ro")
    ).one()
    assert invited.password_hash is not None
    assert invited.name == "Elena"
