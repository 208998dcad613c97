"""Scheduling workshops: create, edit (invitees hear of a moved workshop), cancel
and set the status; the pact's staff who may facilitate; join codes.

Each use case takes its actor explicitly, checks the actor's role on the pact in the
database, commits once, and sends e-mail only after the commit."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import AuditAction, changed_fields, record_staff_action
from core.errors import DomainError
from core.models import Pact
from core.transactions import use_case
from extensions import db
from stakeholders.models import Person, staff_pact
from workshops.access import get_workshop, official_workshop, staff_of
from workshops.enrolment import active_enrolments, lock_enrolments, promote_waitlisted
from workshops.invitations import email_invitation
from workshops.lifecycle import (
    STATUS_AFTER,
    WorkshopAction,
    action_to_status,
    check_action,
)
from workshops.models import Board, EnrolmentStatus, Workshop, WorkshopStatus

# No 0/O, 1/I/L: a code read aloud or from a projector is typed right the first time.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
SCHEDULE_FIELDS = ("starts_at", "ends_at", "place", "online_url")
WORKSHOP_FIELDS = (
    "title",
    "description",
    *SCHEDULE_FIELDS,
    "capacity",
    "language",
)


@dataclass(frozen=True)
class WorkshopData:
    """A workshop's editable fields, validated by the form."""

    title: str
    starts_at: datetime
    ends_at: datetime
    description: str = ""
    place: str = ""
    online_url: str = ""
    capacity: int | None = None
    language: str = "en"
    theme_keys: tuple[str, ...] = ()
    facilitator_ids: tuple[int, ...] = ()


@use_case
def create_workshop(actor_id: int, pact_id: int, data: WorkshopData) -> dict[str, int]:
    """Schedule a workshop of the pact, with its board (lobby, vote budget 5, seq 0):
    its officials and its facilitators may."""
    staff_of(actor_id, pact_id)
    pact = db.session.get(Pact, pact_id)
    if pact is None:
        raise DomainError("not_found", _("This pact does not exist."))
    _check_schedule(data)
    workshop = Workshop(pact_id=pact_id, join_code=_new_join_code())
    _apply(workshop, pact, data)
    board = Board(workshop=workshop)
    db.session.add_all([workshop, board])
    db.session.flush()
    _record(actor_id, workshop, AuditAction.CREATE_WORKSHOP)
    return {"workshop": workshop.id, "board": board.id}


@use_case
def update_workshop(
    actor_id: int, workshop_id: int, data: WorkshopData
) -> dict[str, Any]:
    """Edit a workshop; when its time or place moves, everyone enrolled gets an updated
    calendar invite (a higher SEQUENCE)."""
    workshop = official_workshop(actor_id, workshop_id)
    check_action(workshop.status, WorkshopAction.EDIT)
    _check_schedule(data)
    lock_enrolments(workshop)
    before = _fields(workshop)
    _apply(workshop, workshop.pact, data)
    fields = changed_fields(before, _fields(workshop))
    moved = bool(set(fields) & set(SCHEDULE_FIELDS))
    if moved:
        workshop.ics_sequence += 1
        for enrolment in active_enrolments(workshop, [EnrolmentStatus.ENROLLED]):
            email_invitation(enrolment, "workshop_moved")
    # A larger capacity gives the free places to the waiting list, in order.
    promote_waitlisted(workshop)
    if fields:
        _record(actor_id, workshop, AuditAction.EDIT, fields=fields)
    return {"workshop": workshop.id, "moved": moved, "sequence": workshop.ics_sequence}


@use_case
def cancel_workshop(actor_id: int, workshop_id: int) -> dict[str, Any]:
    """Cancel a workshop that has not started; everyone enrolled or waiting is told,
    with METHOD:CANCEL."""
    workshop = official_workshop(actor_id, workshop_id)
    if workshop.status == WorkshopStatus.CANCELLED:
        raise DomainError("conflict", _("This workshop is already cancelled."))
    check_action(workshop.status, WorkshopAction.CANCEL)
    workshop.status = STATUS_AFTER[WorkshopAction.CANCEL]
    workshop.ics_sequence += 1
    statuses = [EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED]
    for enrolment in active_enrolments(workshop, statuses):
        email_invitation(enrolment, "workshop_cancelled")
    _record(actor_id, workshop, AuditAction.CANCEL_WORKSHOP)
    return {"workshop": workshop.id, "status": workshop.status}


@use_case
def set_workshop_status(actor_id: int, workshop_id: int, status: str) -> dict[str, Any]:
    """Open enrolment, start or finish a workshop (any staff of the pact), as far as
    its status allows (workshops.lifecycle)."""
    action = action_to_status(status)
    workshop = get_workshop(workshop_id)
    staff_of(actor_id, workshop.pact_id)
    check_action(workshop.status, action)
    workshop.status = STATUS_AFTER[action]
    _record(actor_id, workshop, AuditAction.SET_WORKSHOP_STATUS, status=status)
    return {"workshop": workshop.id, "status": workshop.status}


def _record(
    actor_id: int, workshop: Workshop, action: AuditAction, **details: Any
) -> None:
    record_staff_action(
        actor_id, workshop.pact_id, action, "workshop", workshop.id, **details
    )


def _fields(workshop: Workshop) -> dict[str, Any]:
    """A workshop's editable fields as they stand (what an edit changed)."""
    values = {name: getattr(workshop, name) for name in WORKSHOP_FIELDS}
    values["themes"] = sorted(theme.key for theme in workshop.themes)
    values["facilitators"] = sorted(person.id for person in workshop.facilitators)
    return values


def _check_schedule(data: WorkshopData) -> None:
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        raise DomainError("invalid", "times must be timezone-aware", "starts_at")
    if data.ends_at <= data.starts_at:
        raise DomainError("invalid", _("The end must be after the start."), "ends_at")
    if data.capacity is not None and data.capacity < 1:
        raise DomainError("invalid", _("The capacity must be at least 1."), "capacity")


def _apply(workshop: Workshop, pact: Pact, data: WorkshopData) -> None:
    workshop.title = data.title
    workshop.description = data.description
    workshop.starts_at = data.starts_at
    workshop.ends_at = data.ends_at
    workshop.place = data.place
    workshop.online_url = data.online_url
    workshop.capacity = data.capacity
    workshop.language = data.language
    workshop.themes = [
        theme for theme in pact.themes if theme.key in set(data.theme_keys)
    ]
    staff = [
        person
        for person in _pact_staff(pact.id)
        if person.id in set(data.facilitator_ids)
    ]
    if len(staff) != len(set(data.facilitator_ids)):
        raise DomainError(
            "invalid", _("Facilitators must be staff of this pact."), "facilitators"
        )
    workshop.facilitators = staff


def _pact_staff(pact_id: int) -> list[Person]:
    pact = db.session.get(Pact, pact_id)
    return [] if pact is None else pact_staff_members(pact)


def pact_staff_members(pact: Pact) -> list[Person]:
    """Officials and facilitators of a pact, by name."""
    query = (
        select(Person)
        .join(staff_pact, staff_pact.c.person_id == Person.id)
        .where(staff_pact.c.pact_id == pact.id, Person.active.is_(True))
        .order_by(Person.name)
    )
    return list(db.session.scalars(query))


def _new_join_code() -> str:
    while True:
        code = "".join(
            secrets.choice(JOIN_CODE_ALPHABET) for _n in range(JOIN_CODE_LENGTH)
        )
        if (
            db.session.scalar(select(Workshop.id).where(Workshop.join_code == code))
            is None
        ):
            return code
