"""Enrolment with capacity and an ordered waitlist: officials enrol people,
stakeholders enrol themselves or decline, a freed seat promotes the first waitlisted.

Enrolment changes first bump `workshop.enrolment_lock`: that UPDATE takes the
workshop's row lock on PostgreSQL (and the write lock on SQLite) before anything is
counted, so concurrent enrolments never exceed the capacity."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from core.audit import AuditAction, record_staff_action
from core.choices import RegistrationStatus
from core.errors import DomainError
from core.transactions import use_case
from extensions import db
from stakeholders.models import Person
from workshops.access import get_workshop, official_workshop
from workshops.invitations import email_invitation, revoke_enrolment_links
from workshops.lifecycle import WorkshopAction, workshop_actions
from workshops.models import (
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    Workshop,
    WorkshopStatus,
)


@use_case
def enrol_people(
    actor_id: int, workshop_id: int, person_ids: Iterable[int]
) -> dict[str, list[int]]:
    """An official enrols approved stakeholders of the pact: while there is room they
    are enrolled and invited, then they join the waitlist in order."""
    workshop = official_workshop(actor_id, workshop_id)
    _refuse_closed(workshop)
    lock_enrolments(workshop)
    result: dict[str, list[int]] = {"enrolled": [], "waitlisted": [], "skipped": []}
    for person_id in dict.fromkeys(person_ids):
        person = db.session.get(Person, person_id)
        if person is None or not is_approved_stakeholder(person, workshop.pact_id):
            result["skipped"].append(person_id)
            continue
        enrolment = _enrol(workshop, person, EnrolmentSource.OFFICIAL)
        bucket = "skipped" if enrolment is None else str(enrolment.status)
        result[bucket].append(person_id)
    record_staff_action(
        actor_id,
        workshop.pact_id,
        AuditAction.ENROL,
        "workshop",
        workshop.id,
        **{bucket: len(ids) for bucket, ids in result.items()},
    )
    return result


@use_case
def enrol_self(person_id: int, workshop_id: int) -> dict[str, Any]:
    """An approved stakeholder enrols in one of their pact's open workshops."""
    person = db.session.get(Person, person_id)
    workshop = get_workshop(workshop_id)
    if person is None or not is_approved_stakeholder(person, workshop.pact_id):
        raise DomainError(
            "forbidden", _("Only approved stakeholders of this pact can enrol.")
        )
    _refuse_closed(workshop)
    lock_enrolments(workshop)
    enrolment = _enrol(workshop, person, EnrolmentSource.SELF)
    if enrolment is None:
        raise DomainError("conflict", _("You are already enrolled in this workshop."))
    return {"enrolment": enrolment.id, "status": enrolment.status}


@use_case
def decline_enrolment(person_id: int, enrolment_id: int) -> dict[str, Any]:
    """A person declines (or cancels) their place; the first person waiting is
    promoted into it and told by e-mail."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.person_id != person_id:
        raise DomainError("not_found", _("This enrolment does not exist."))
    return _decline(enrolment)


@use_case
def decline_for(actor_id: int, enrolment_id: int) -> dict[str, Any]:
    """An official cancels someone's place (they asked by phone, say)."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise DomainError("not_found", _("This enrolment does not exist."))
    workshop = official_workshop(actor_id, enrolment.workshop_id)
    declined = _decline(enrolment)
    record_staff_action(
        actor_id,
        workshop.pact_id,
        AuditAction.REMOVE_FROM_WORKSHOP,
        "enrolment",
        enrolment.id,
        workshop=workshop.id,
        person=enrolment.person_id,
        promoted=len(declined["promoted"]),
    )
    return declined


def _decline(enrolment: Enrolment) -> dict[str, Any]:
    workshop = enrolment.workshop
    lock_enrolments(workshop)
    db.session.refresh(enrolment)
    if enrolment.status == EnrolmentStatus.DECLINED:
        raise DomainError("conflict", _("This place was already declined."))
    enrolment.status = EnrolmentStatus.DECLINED
    revoke_enrolment_links(enrolment)
    still_open = workshop.status not in (
        WorkshopStatus.CANCELLED,
        WorkshopStatus.FINISHED,
    )
    promoted = promote_waitlisted(workshop) if still_open else []
    return {"enrolment": enrolment.id, "promoted": [e.person_id for e in promoted]}


def _refuse_closed(workshop: Workshop) -> None:
    if WorkshopAction.ENROL not in workshop_actions(workshop.status):
        raise DomainError("conflict", _("This workshop is not open for enrolment."))


def lock_enrolments(workshop: Workshop) -> None:
    db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(enrolment_lock=Workshop.enrolment_lock + 1)
    )
    db.session.refresh(workshop)


def is_approved_stakeholder(person: Person, pact_id: int) -> bool:
    organisation = person.organisation
    return (
        person.pact_id == pact_id
        and person.active
        and organisation is not None
        and organisation.status == RegistrationStatus.APPROVED
    )


def _enrolled_count(workshop: Workshop) -> int:
    return (
        db.session.scalar(
            select(func.count(Enrolment.id)).where(
                Enrolment.workshop_id == workshop.id,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
        )
        or 0
    )


def _has_room(workshop: Workshop) -> bool:
    return workshop.capacity is None or _enrolled_count(workshop) < workshop.capacity


def next_position(workshop: Workshop) -> int:
    highest = db.session.scalar(
        select(func.max(Enrolment.position)).where(Enrolment.workshop_id == workshop.id)
    )
    return (highest or 0) + 1


def _enrol(workshop: Workshop, person: Person, source: str) -> Enrolment | None:
    """Enrol or waitlist the person; None when they already hold or await a place.
    Someone who declined earlier may come back (at the end of the queue)."""
    enrolment = db.session.scalar(
        select(Enrolment).where(
            Enrolment.workshop_id == workshop.id, Enrolment.person_id == person.id
        )
    )
    if enrolment is not None and enrolment.status != EnrolmentStatus.DECLINED:
        return None
    # Count before adding: a pending new row would be flushed and count itself.
    room = _has_room(workshop)
    if enrolment is None:
        enrolment = Enrolment(workshop=workshop, person=person, token_version=1)
        db.session.add(enrolment)
    enrolment.status = EnrolmentStatus.ENROLLED if room else EnrolmentStatus.WAITLISTED
    enrolment.position = next_position(workshop)
    enrolment.source = source
    enrolment.revoked = False
    db.session.flush()
    template = "workshop_invitation" if room else "workshop_waitlisted"
    email_invitation(enrolment, template)
    return enrolment


def promote_waitlisted(workshop: Workshop) -> list[Enrolment]:
    promoted: list[Enrolment] = []
    db.session.flush()
    while _has_room(workshop):
        waiting = db.session.scalar(
            select(Enrolment)
            .where(
                Enrolment.workshop_id == workshop.id,
                Enrolment.status == EnrolmentStatus.WAITLISTED,
            )
            .order_by(Enrolment.position)
            .limit(1)
        )
        if waiting is None:
            break
        waiting.status = EnrolmentStatus.ENROLLED
        db.session.flush()
        email_invitation(waiting, "workshop_promoted")
        promoted.append(waiting)
    return promoted


def active_enrolments(workshop: Workshop, statuses: Sequence[str]) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.workshop_id == workshop.id, Enrolment.status.in_(statuses))
            .order_by(Enrolment.position)
        )
    )
