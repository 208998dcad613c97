"""Identities for the board and other clients: who a participant's or a staff
member's token names (checked in the database every time), tokens issued to other
clients, and bulk participants for load tests and rehearsals."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import insert, select

from core.choices import AccountKind, RegistrationStatus
from core.errors import DomainError
from core.session_ends import LOGGED_OUT
from core.time import utcnow
from core.tokens import (
    StaffClaim,
    TokenError,
    participant_token,
    read_participant_token,
    read_staff_token,
    staff_token,
)
from core.transactions import use_case
from extensions import db
from stakeholders.logins import (
    login_session_person,
    open_login_session,
    session_digest,
)
from stakeholders.models import Organisation, Person
from workshops.access import staff_of
from workshops.enrolment import lock_enrolments, next_position
from workshops.models import (
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    Workshop,
    WorkshopStatus,
)


def identify_participant(token: str, workshop_id: int) -> int:
    """The person a join link or `auth.token` stands for, for this workshop. Raises
    DomainError `unauthorized` with the reason (invalid, expired, revoked, ...)."""
    try:
        claim = read_participant_token(token)
    except TokenError as exc:
        raise DomainError("unauthorized", exc.reason) from None
    if claim.workshop_id != workshop_id:
        raise DomainError("unauthorized", "other_workshop")
    enrolment = db.session.scalar(
        select(Enrolment).where(
            Enrolment.workshop_id == claim.workshop_id,
            Enrolment.person_id == claim.person_id,
        )
    )
    if enrolment is None or enrolment.status != EnrolmentStatus.ENROLLED:
        raise DomainError("unauthorized", "not_enrolled")
    if enrolment.revoked or enrolment.token_version != claim.version:
        raise DomainError("unauthorized", "revoked")
    if (
        enrolment.workshop.status == WorkshopStatus.CANCELLED
        or not enrolment.person.active
    ):
        raise DomainError("unauthorized", "cancelled")
    return claim.person_id


def identify_staff(token: str) -> StaffClaim:
    """The staff member an `auth.token` stands for, and the login session it was
    issued in: refused (`logged_out`) once that session has ended (logout, a
    password change, deactivation)."""
    try:
        claim = read_staff_token(token)
    except TokenError as exc:
        raise DomainError("unauthorized", exc.reason) from None
    person = login_session_person(claim.login)
    if person is None or person.id != claim.person_id:
        raise DomainError("unauthorized", LOGGED_OUT)
    if not person.is_staff:
        raise DomainError("unauthorized", "invalid")
    return claim


def issue_staff_token(person_id: int, ttl_seconds: int) -> str:
    """A staff token with a login session of its own, which ends like any other
    (logout elsewhere does not end it; a password change or deactivation does)."""
    login = session_digest(open_login_session(person_id))
    return staff_token(person_id, login, ttl_seconds)


def issue_token(email: str, workshop_id: int | None, ttl_seconds: int) -> str:
    """A token for `auth.token`: for staff, or for a participant enrolled in the
    workshop (the CLI `token`)."""
    email = email.strip().lower()
    if workshop_id is None:
        staff = db.session.scalar(
            select(Person).where(Person.pact_id.is_(None), Person.email == email)
        )
        if staff is None or not staff.is_staff:
            raise DomainError("not_found", f"no staff member {email}")
        return issue_staff_token(staff.id, ttl_seconds)
    enrolment = db.session.scalar(
        select(Enrolment)
        .join(Person, Person.id == Enrolment.person_id)
        .where(Enrolment.workshop_id == workshop_id, Person.email == email)
    )
    if enrolment is None:
        staff = db.session.scalar(
            select(Person).where(Person.pact_id.is_(None), Person.email == email)
        )
        workshop = db.session.get(Workshop, workshop_id)
        if staff is None or workshop is None:
            raise DomainError(
                "not_found", f"{email} is not enrolled in workshop {workshop_id}"
            )
        staff_of(staff.id, workshop.pact_id)
        return issue_staff_token(staff.id, ttl_seconds)
    return participant_token(
        enrolment.person_id, workshop_id, enrolment.token_version, ttl_seconds
    )


@use_case
def bulk_participants(
    workshop_id: int, count: int, ttl_seconds: int
) -> list[tuple[int, int, str]]:
    """Create `count` approved participants, each with an organisation, enrol them
    (capacity is not applied: this is the operator's tool) and return
    (person_id, organisation_id, token) for each. Set-based inserts keep 1,000 fast."""
    if count < 1 or count > 100_000:
        raise DomainError("invalid", "count must be between 1 and 100000", "count")
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        raise DomainError("not_found", f"no workshop {workshop_id}", "workshop")
    lock_enrolments(workshop)
    pact = workshop.pact
    batch = secrets.token_hex(4)
    now = utcnow()
    organisation_ids = _insert_returning_ids(
        Organisation,
        [
            {
                "pact_id": pact.id,
                "name": f"Load test organisation {batch}-{n}",
                "kind": "sme",
                "size": "micro",
                "sector": "C",
                "locality": pact.territory,
                "region": pact.territory,
                "country": pact.country,
                "status": RegistrationStatus.APPROVED,
                "motivation": "",
                "decision_reason": "",
                "created_at": now,
            }
            for n in range(count)
        ],
    )
    person_ids = _insert_returning_ids(
        Person,
        [
            {
                "pact_id": pact.id,
                "organisation_id": organisation_id,
                "name": f"Participant {batch}-{n}",
                "position": "",
                "email": f"participant-{batch}-{n}@load.greenpact.invalid",
                "kind": AccountKind.PARTICIPANT,
                "language": workshop.language,
                "active": True,
                "created_at": now,
            }
            for n, organisation_id in enumerate(organisation_ids)
        ],
    )
    start = next_position(workshop)
    db.session.execute(
        insert(Enrolment),
        [
            {
                "workshop_id": workshop.id,
                "person_id": person_id,
                "position": start + n,
                "status": EnrolmentStatus.ENROLLED,
                "source": EnrolmentSource.BULK,
                "token_version": 1,
                "revoked": False,
                "created_at": now,
                "updated_at": now,
            }
            for n, person_id in enumerate(person_ids)
        ],
    )
    return [
        (
            person_id,
            organisation_id,
            participant_token(person_id, workshop.id, 1, ttl_seconds),
        )
        for person_id, organisation_id in zip(person_ids, organisation_ids, strict=True)
    ]


def _insert_returning_ids(model: Any, rows: list[dict[str, Any]]) -> list[int]:
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(statement, rows))
