"""Helpers shared by the workshop tests: a pact in Europe/Bucharest with an official,
workshops scheduled through the service, approved stakeholders, and readers for the
outbox and the join links it carries. Plain functions, so any module may use them
beside the root fixtures."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select

from core.mail import OutboxMessage
from extensions import db
from stakeholders.models import Person
from workshops.models import Enrolment, Workshop
from workshops.scheduling import WorkshopData, create_workshop

TIMEZONE = "Europe/Bucharest"
JOIN_LINK = re.compile(r"https?://[^\s/]+/w/(\d+)/join/([A-Za-z0-9_.\-]+)")


def next_week(hour: int = 7) -> datetime:
    """A whole hour (UTC) a week from today."""
    today = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return (today + timedelta(days=7)).replace(hour=hour)


def this_minute() -> datetime:
    return datetime.now(UTC).replace(second=0, microsecond=0)


def workshop_data(**overrides: Any) -> WorkshopData:
    starts_at = overrides.pop("starts_at", next_week())
    data = WorkshopData(
        title="Circular packaging",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=3),
        place="Otopeni town hall",
    )
    return replace(data, **overrides)


def new_workshop(official_id: int, pact_id: int, **overrides: Any) -> int:
    return create_workshop(official_id, pact_id, workshop_data(**overrides))["workshop"]


def running_workshop(official_id: int, pact_id: int, **overrides: Any) -> int:
    """A workshop whose scheduled time started a few minutes ago."""
    return new_workshop(
        official_id,
        pact_id,
        starts_at=this_minute() - timedelta(minutes=5),
        **overrides,
    )


def approved_people(
    make_registration: Callable[..., dict[str, Any]], count: int, pact: str = "ilfov"
) -> list[int]:
    return [make_registration(pact, status="approved")["person"] for _n in range(count)]


def load_workshop(workshop_id: int) -> Workshop:
    found = db.session.get(Workshop, workshop_id)
    assert found is not None
    return found


def load_person(person_id: int) -> Person:
    found = db.session.get(Person, person_id)
    assert found is not None
    return found


def enrolment_of(workshop_id: int, person_id: int) -> Enrolment:
    db.session.expire_all()
    return db.session.scalars(
        select(Enrolment).where(
            Enrolment.workshop_id == workshop_id, Enrolment.person_id == person_id
        )
    ).one()


def statuses(workshop_id: int) -> dict[int, tuple[str, int]]:
    """person id -> (status, position) of every enrolment in the workshop."""
    db.session.expire_all()
    rows = db.session.execute(
        select(Enrolment.person_id, Enrolment.status, Enrolment.position).where(
            Enrolment.workshop_id == workshop_id
        )
    )
    return {person_id: (status, position) for person_id, status, position in rows}


def people_with(workshop_id: int, status: str) -> list[int]:
    """The people with that enrolment status, in queue order."""
    by_position = sorted(
        (position, person_id)
        for person_id, (state, position) in statuses(workshop_id).items()
        if state == status
    )
    return [person_id for _position, person_id in by_position]


def outbox(since: int = 0) -> list[OutboxMessage]:
    """Messages queued after the message with id `since`, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.id > since)
            .order_by(OutboxMessage.id)
        )
    )


def last_message_id() -> int:
    messages = outbox()
    return messages[-1].id if messages else 0


def subject_for(template: str, person_id: int, workshop_id: int) -> str:
    """The subject the e-mail template gives this person, in their language."""
    recipient = load_person(person_id)
    with force_locale(recipient.language):
        subject = render_template(
            f"email/{template}.subject.txt",
            person=recipient,
            workshop=load_workshop(workshop_id),
        )
    return " ".join(subject.split())


def join_links(text: str) -> list[tuple[int, str]]:
    """(workshop id, token) of every join link in a text."""
    return [(int(wid), token) for wid, token in JOIN_LINK.findall(text)]
