"""Read-side queries of the workshop pages: a pact's workshops with their counts, a
workshop's enrolments grouped by status, who may still be enrolled, the people of a
filtered registrations list, and the attendance export's rows. Nothing here writes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from core.choices import AccountKind, RegistrationStatus
from core.time import utcnow
from extensions import db
from stakeholders.models import Organisation, Person
from stakeholders.queries import registrations_query
from workshops.enrolment import is_approved_stakeholder
from workshops.models import Enrolment, EnrolmentStatus, Workshop, WorkshopStatus

ATTENDANCE_COLUMNS = [
    "name",
    "organisation",
    "email",
    "status",
    "position",
    "source",
    "attendance",
]
# Enrolments that hold or await a place (a declined person may be enrolled again).
ACTIVE = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)


def pact_workshop(pact_id: int, workshop_id: int) -> Workshop | None:
    """The workshop when it belongs to the pact; None otherwise (callers answer 404)."""
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or workshop.pact_id != pact_id:
        return None
    return workshop


def workshop_enrolment(workshop_id: int, enrolment_id: int) -> Enrolment | None:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.workshop_id != workshop_id:
        return None
    return enrolment


def enrolment_counts(pact_id: int) -> dict[int, dict[str, int]]:
    """Workshop id -> number of enrolments per status, for the pact's workshops."""
    rows = db.session.execute(
        select(Enrolment.workshop_id, Enrolment.status, func.count())
        .join(Workshop, Workshop.id == Enrolment.workshop_id)
        .where(Workshop.pact_id == pact_id)
        .group_by(Enrolment.workshop_id, Enrolment.status)
    )
    counts: dict[int, dict[str, int]] = {}
    for workshop_id, status, count in rows:
        counts.setdefault(workshop_id, {})[status] = count
    return counts


def upcoming_workshops(pact_id: int) -> list[Workshop]:
    """Workshops of the pact that have not ended and are still open to enrolment."""
    return list(
        db.session.scalars(
            select(Workshop)
            .where(
                Workshop.pact_id == pact_id,
                Workshop.ends_at > utcnow(),
                Workshop.status.not_in(
                    [WorkshopStatus.CANCELLED, WorkshopStatus.FINISHED]
                ),
            )
            .order_by(Workshop.starts_at)
        )
    )


def enrolments_by_status(workshop_id: int) -> dict[str, list[Enrolment]]:
    """Status -> the workshop's enrolments in queue order, people preloaded."""
    enrolments = db.session.scalars(
        select(Enrolment)
        .where(Enrolment.workshop_id == workshop_id)
        .options(selectinload(Enrolment.person).selectinload(Person.organisation))
        .order_by(Enrolment.position, Enrolment.id)
    )
    grouped: dict[str, list[Enrolment]] = {status: [] for status in EnrolmentStatus}
    for enrolment in enrolments:
        grouped[enrolment.status].append(enrolment)
    return grouped


def enrollable_people(workshop: Workshop) -> list[Person]:
    """Approved stakeholders of the workshop's pact holding no place and not waiting,
    by organisation and name."""
    taken = select(Enrolment.person_id).where(
        Enrolment.workshop_id == workshop.id, Enrolment.status.in_(ACTIVE)
    )
    return list(
        db.session.scalars(
            select(Person)
            .join(Organisation, Organisation.id == Person.organisation_id)
            .where(
                Person.pact_id == workshop.pact_id,
                Person.kind == AccountKind.PARTICIPANT,
                Person.active.is_(True),
                Organisation.status == RegistrationStatus.APPROVED,
                Person.id.not_in(taken),
            )
            .options(selectinload(Person.organisation))
            .order_by(Organisation.name, Person.name)
        )
    )


def approved_contacts(pact_id: int, filters: Mapping[str, str]) -> list[int]:
    """The contact people of the approved registrations matching the dashboard's
    filters (whatever status the filters asked for)."""
    organisations = db.session.scalars(
        registrations_query(pact_id, {**filters, "status": RegistrationStatus.APPROVED})
    )
    return [org.contact.id for org in organisations if org.contact is not None]


def waitlist_rank(enrolment: Enrolment) -> int | None:
    """1 for the first person waiting, and so on; None when not waiting."""
    if enrolment.status != EnrolmentStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count(Enrolment.id)).where(
            Enrolment.workshop_id == enrolment.workshop_id,
            Enrolment.status == EnrolmentStatus.WAITLISTED,
            Enrolment.position < enrolment.position,
        )
    )
    return (ahead or 0) + 1


def attendance_rows(workshop_id: int) -> list[dict[str, str]]:
    """The attendance export: enrolled, then waiting (with their rank), then
    declined."""
    grouped = enrolments_by_status(workshop_id)
    rows = []
    for status in EnrolmentStatus:
        for rank, enrolment in enumerate(grouped[status], start=1):
            rows.append(_attendance_row(enrolment, rank))
    return rows


def _attendance_row(enrolment: Enrolment, rank: int) -> dict[str, Any]:
    person = enrolment.person
    waiting = enrolment.status == EnrolmentStatus.WAITLISTED
    return {
        "name": person.name,
        "organisation": person.organisation.name if person.organisation else "",
        "email": person.email,
        "status": enrolment.status,
        "position": str(rank) if waiting else "",
        "source": enrolment.source,
        "attendance": enrolment.attendance or "",
    }


def pact_workshops(pact_id: int) -> list[Workshop]:
    return list(
        db.session.scalars(
            select(Workshop)
            .where(Workshop.pact_id == pact_id)
            .order_by(Workshop.starts_at)
        )
    )


def person_enrolments(person_id: int) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .join(Workshop, Workshop.id == Enrolment.workshop_id)
            .where(Enrolment.person_id == person_id)
            .order_by(Workshop.starts_at)
        )
    )


def open_workshops_for(person: Person) -> list[Workshop]:
    """Workshops an approved stakeholder may still enrol in."""
    if person.pact_id is None or not is_approved_stakeholder(person, person.pact_id):
        return []
    taken = select(Enrolment.workshop_id).where(
        Enrolment.person_id == person.id, Enrolment.status != EnrolmentStatus.DECLINED
    )
    return list(
        db.session.scalars(
            select(Workshop)
            .where(
                Workshop.pact_id == person.pact_id,
                Workshop.status.in_([WorkshopStatus.PLANNED, WorkshopStatus.OPEN]),
                Workshop.ends_at > utcnow(),
                Workshop.id.not_in(taken),
            )
            .order_by(Workshop.starts_at)
        )
    )


def theme_keys(workshop: Workshop) -> list[str]:
    return [theme.key for theme in workshop.themes]
