"""The officials' daily digest: when registrations of a pact wait for a decision, each
of its officials gets one e-mail that day (in the pact's timezone) saying how many,
since when the oldest waits, and where the list is, in their language, through the
outbox. `send-digests` runs daily (deploy/ has a timer); running it again the same
day sends nothing. An official turns the digest off on their account page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select

from core.choices import RegistrationStatus
from core.links import public_url
from core.mail import queue_template_email
from core.models import Pact
from core.time import today_in, utcnow
from core.transactions import use_case
from extensions import db
from stakeholders.models import Organisation, Person, RegistrationDigest


@use_case
def send_digests(today: date | None = None) -> dict[str, int]:
    """Queue today's digest for each official of each pact with registrations
    waiting, unless they had it already today or turned it off."""
    sent = 0
    for pact in db.session.scalars(select(Pact).order_by(Pact.id)):
        waiting = _waiting(pact.id)
        if waiting is None:
            continue
        day = today or today_in(pact)
        for official in _officials(pact):
            if _already_sent(official.id, pact.id, day):
                continue
            _send(official, pact, day, *waiting)
            sent += 1
    return {"sent": sent}


def _waiting(pact_id: int) -> tuple[int, datetime] | None:
    """How many registrations wait, and since when the oldest does."""
    count, oldest = db.session.execute(
        select(func.count(Organisation.id), func.min(Organisation.created_at)).where(
            Organisation.pact_id == pact_id,
            Organisation.status == RegistrationStatus.PENDING,
        )
    ).one()
    if not count or oldest is None:
        return None
    return int(count), oldest


def _officials(pact: Pact) -> list[Person]:
    return [
        person
        for person in pact_staff(pact.id)
        if person.is_official_of(pact.id)
        and person.active
        and person.daily_digest
        and person.erased_at is None
    ]


def pact_staff(pact_id: int) -> list[Person]:
    return list(
        db.session.scalars(
            select(Person)
            .where(Person.pacts.any(Pact.id == pact_id))
            .order_by(Person.id)
        )
    )


def _already_sent(person_id: int, pact_id: int, day: date) -> bool:
    return (
        db.session.scalar(
            select(RegistrationDigest.id).where(
                RegistrationDigest.person_id == person_id,
                RegistrationDigest.pact_id == pact_id,
                RegistrationDigest.sent_on == day,
            )
        )
        is not None
    )


def _send(
    official: Person, pact: Pact, day: date, count: int, oldest: datetime
) -> None:
    db.session.add(
        RegistrationDigest(
            person_id=official.id,
            pact_id=pact.id,
            sent_on=day,
            pending=count,
            sent_at=utcnow(),
        )
    )
    queue_template_email(
        official.email,
        official.language,
        "registrations_waiting",
        person=official,
        pact=pact,
        count=count,
        oldest=oldest,
        link=f"{public_url()}/staff/p/{pact.slug}/registrations?status=pending",
        settings=f"{public_url()}/staff/password",
    )


@use_case
def set_daily_digest(person_id: int, wanted: bool) -> dict[str, Any]:
    """A staff member turns their daily digest on or off."""
    person = db.session.get(Person, person_id)
    if person is not None:
        person.daily_digest = wanted
    return {"daily_digest": wanted}
