"""Workshop invitations leave through a real SMTP server (aiosmtpd on a free port):
the enrolled get a calendar invite and their join link, the waiting get neither
link nor invite."""

from __future__ import annotations

import email
import email.policy
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest
from flask import Flask
from icalendar import Calendar

from core.mail import deliver_due
from tests.workshops.factories import (
    TIMEZONE,
    approved_people,
    join_links,
    load_person,
    new_workshop,
)
from workshops.enrolment import enrol_people
from workshops.identities import identify_participant


def received(inbox: Any) -> dict[str, EmailMessage]:
    """Recipient -> parsed message of everything the SMTP server got."""
    messages: dict[str, EmailMessage] = {}
    for envelope in inbox.messages:
        [recipient] = envelope.rcpt_tos
        messages[recipient] = email.message_from_bytes(
            envelope.content, policy=email.policy.default
        )
    return messages


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def calendars_in(message: EmailMessage) -> list[EmailMessage]:
    return [
        part for part in message.walk() if part.get_content_type() == "text/calendar"
    ]


@pytest.mark.smtp
def test_enrolled_people_receive_a_calendar_invite_and_their_join_link(
    app: Flask,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
    make_registration: Callable[..., Any],
    smtp_server: tuple[str, int, Any],
):
    host, port, inbox = smtp_server
    app.config.update(MAIL_SERVER=host, MAIL_PORT=port)
    pact = make_pact("ilfov", timezone=TIMEZONE)
    official = make_staff("official")
    enrolled, waiting = approved_people(make_registration, 2)
    workshop_id = new_workshop(official, pact, capacity=1, title="Energy day")

    result = enrol_people(official, workshop_id, [enrolled, waiting])
    assert (result["enrolled"], result["waitlisted"]) == ([enrolled], [waiting])
    assert deliver_due() == {"sent": 2, "failed": 0}  # what the sender does

    messages = received(inbox)
    invitation = messages[load_person(enrolled).email]
    [part] = calendars_in(invitation)
    calendar = Calendar.from_ical(part.get_content())
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    assert str(event["SUMMARY"]) == "Energy day"
    [(linked_workshop, token)] = join_links(text_of(invitation))
    assert linked_workshop == workshop_id
    assert identify_participant(token, workshop_id) == enrolled

    waitlisted = messages[load_person(waiting).email]
    assert "Energy day" in str(waitlisted["Subject"])
    assert "/join/" not in waitlisted.as_string()
    assert join_links(text_of(waitlisted)) == []
