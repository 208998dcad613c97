"""Use cases of workshops: scheduling (create, edit, cancel, status), enrolment with
capacity and an ordered waitlist, passwordless invitations (join links, re-send,
revoke), walk-ins with a join code, attendance, and tokens for other clients.

Each use case takes its actor explicitly, checks the actor's role on the pact in the
database, commits once, and sends e-mail only after the commit. Enrolment changes
first bump `workshop.enrolment_lock`: that UPDATE takes the workshop's row lock on
PostgreSQL (and the write lock on SQLite) before anything is counted, so concurrent
enrolments never exceed the capacity."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, insert, select, update

from core.choices import STAFF_ROLES, RegistrationStatus, Role
from core.errors import DomainError
from core.mail import Attachment, queue_template_email
from core.models import Pact
from core.time import utcnow
from core.tokens import (
    TokenError,
    participant_token,
    read_participant_token,
    read_staff_token,
    staff_token,
)
from core.transactions import commit, rollback
from extensions import db
from stakeholders.models import Consent, Organisation, Person, staff_pact
from workshops.calendar import invite_ics
from workshops.models import (
    Board,
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    Workshop,
    WorkshopStatus,
)

# No 0/O, 1/I/L: a code read aloud or from a projector is typed right the first time.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
# Walk-in codes work from a little before the start until the end.
EARLY_ADMISSION = timedelta(minutes=30)
# Join links stay valid this long after the workshop ends (for the follow-up).
LINK_GRACE = timedelta(days=7)
SCHEDULE_FIELDS = ("starts_at", "ends_at", "place", "online_url")


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


# --- authorisation -----------------------------------------------------------------


def _staff_of(
    actor_id: int, pact_id: int, roles: Iterable[str] = STAFF_ROLES
) -> Person:
    actor = db.session.get(Person, actor_id)
    allowed = set(roles)
    if actor is None or actor.role not in allowed or not actor.active:
        raise DomainError("forbidden", _("Your role does not allow this action."))
    if pact_id not in {pact.id for pact in actor.pacts}:
        raise DomainError("not_found", _("This workshop does not exist."))
    return actor


def _workshop(workshop_id: int, pact_id: int | None = None) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or (pact_id is not None and workshop.pact_id != pact_id):
        raise DomainError("not_found", _("This workshop does not exist."))
    return workshop


def _official_workshop(actor_id: int, workshop_id: int) -> Workshop:
    workshop = _workshop(workshop_id)
    _staff_of(actor_id, workshop.pact_id, [Role.OFFICIAL])
    return workshop


# --- scheduling --------------------------------------------------------------------


def create_workshop(actor_id: int, pact_id: int, data: WorkshopData) -> dict[str, int]:
    """Schedule a workshop of the pact, with its board (lobby, vote budget 5, seq 0)."""
    _staff_of(actor_id, pact_id, [Role.OFFICIAL])
    pact = db.session.get(Pact, pact_id)
    if pact is None:
        raise DomainError("not_found", _("This pact does not exist."))
    _check_schedule(data)
    workshop = Workshop(pact_id=pact_id, join_code=_new_join_code(), board=Board())
    _apply(workshop, pact, data)
    db.session.add(workshop)
    db.session.flush()
    result = {"workshop": workshop.id, "board": workshop.board.id}
    commit()
    return result


def update_workshop(
    actor_id: int, workshop_id: int, data: WorkshopData
) -> dict[str, Any]:
    """Edit a workshop; when its time or place moves, everyone enrolled gets an updated
    calendar invite (a higher SEQUENCE)."""
    workshop = _official_workshop(actor_id, workshop_id)
    if workshop.status == WorkshopStatus.CANCELLED:
        raise DomainError("conflict", _("A cancelled workshop cannot be changed."))
    _check_schedule(data)
    _lock_enrolments(workshop)
    before = [getattr(workshop, name) for name in SCHEDULE_FIELDS]
    _apply(workshop, workshop.pact, data)
    moved = before != [getattr(workshop, name) for name in SCHEDULE_FIELDS]
    if moved:
        workshop.ics_sequence += 1
        for enrolment in _active_enrolments(workshop, [EnrolmentStatus.ENROLLED]):
            _email_invitation(enrolment, "workshop_moved")
    # A larger capacity gives the free places to the waiting list, in order.
    _promote_waitlisted(workshop)
    result = {
        "workshop": workshop.id,
        "moved": moved,
        "sequence": workshop.ics_sequence,
    }
    commit()
    return result


def cancel_workshop(actor_id: int, workshop_id: int) -> dict[str, Any]:
    """Cancel a workshop; everyone enrolled or waiting is told, with METHOD:CANCEL."""
    workshop = _official_workshop(actor_id, workshop_id)
    if workshop.status == WorkshopStatus.CANCELLED:
        raise DomainError("conflict", _("This workshop is already cancelled."))
    workshop.status = WorkshopStatus.CANCELLED
    workshop.ics_sequence += 1
    statuses = [EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED]
    for enrolment in _active_enrolments(workshop, statuses):
        _email_invitation(enrolment, "workshop_cancelled")
    result = {"workshop": workshop.id, "status": workshop.status}
    commit()
    return result


def set_workshop_status(actor_id: int, workshop_id: int, status: str) -> dict[str, Any]:
    """Open enrolment, start or finish a workshop (any staff of the pact)."""
    if status not in (
        WorkshopStatus.OPEN,
        WorkshopStatus.RUNNING,
        WorkshopStatus.FINISHED,
    ):
        raise DomainError("invalid", _("Unknown status."))
    workshop = _workshop(workshop_id)
    _staff_of(actor_id, workshop.pact_id)
    if workshop.status == WorkshopStatus.CANCELLED:
        raise DomainError("conflict", _("A cancelled workshop cannot be changed."))
    workshop.status = status
    result = {"workshop": workshop.id, "status": workshop.status}
    commit()
    return result


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


# --- enrolment ---------------------------------------------------------------------


def enrol_people(
    actor_id: int, workshop_id: int, person_ids: Iterable[int]
) -> dict[str, list[int]]:
    """An official enrols approved stakeholders of the pact: while there is room they
    are enrolled and invited, then they join the waitlist in order."""
    workshop = _official_workshop(actor_id, workshop_id)
    _refuse_closed(workshop)
    _lock_enrolments(workshop)
    result: dict[str, list[int]] = {"enrolled": [], "waitlisted": [], "skipped": []}
    for person_id in dict.fromkeys(person_ids):
        person = db.session.get(Person, person_id)
        if person is None or not _is_approved_stakeholder(person, workshop.pact_id):
            result["skipped"].append(person_id)
            continue
        enrolment = _enrol(workshop, person, EnrolmentSource.OFFICIAL)
        bucket = "skipped" if enrolment is None else str(enrolment.status)
        result[bucket].append(person_id)
    commit()
    return result


def enrol_self(person_id: int, workshop_id: int) -> dict[str, Any]:
    """An approved stakeholder enrols in one of their pact's open workshops."""
    person = db.session.get(Person, person_id)
    workshop = _workshop(workshop_id)
    if person is None or not _is_approved_stakeholder(person, workshop.pact_id):
        raise DomainError(
            "forbidden", _("Only approved stakeholders of this pact can enrol.")
        )
    _refuse_closed(workshop)
    _lock_enrolments(workshop)
    enrolment = _enrol(workshop, person, EnrolmentSource.SELF)
    if enrolment is None:
        raise DomainError("conflict", _("You are already enrolled in this workshop."))
    result = {"enrolment": enrolment.id, "status": enrolment.status}
    commit()
    return result


def decline_enrolment(person_id: int, enrolment_id: int) -> dict[str, Any]:
    """A person declines (or cancels) their place; the first person waiting is
    promoted into it and told by e-mail."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None or enrolment.person_id != person_id:
        raise DomainError("not_found", _("This enrolment does not exist."))
    return _decline(enrolment)


def decline_for(actor_id: int, enrolment_id: int) -> dict[str, Any]:
    """An official cancels someone's place (they asked by phone, say)."""
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise DomainError("not_found", _("This enrolment does not exist."))
    _official_workshop(actor_id, enrolment.workshop_id)
    return _decline(enrolment)


def _decline(enrolment: Enrolment) -> dict[str, Any]:
    workshop = enrolment.workshop
    _lock_enrolments(workshop)
    db.session.refresh(enrolment)
    if enrolment.status == EnrolmentStatus.DECLINED:
        rollback()
        raise DomainError("conflict", _("This place was already declined."))
    enrolment.status = EnrolmentStatus.DECLINED
    enrolment.revoked = True
    enrolment.token_version += 1
    still_open = workshop.status not in (
        WorkshopStatus.CANCELLED,
        WorkshopStatus.FINISHED,
    )
    promoted = _promote_waitlisted(workshop) if still_open else []
    result = {"enrolment": enrolment.id, "promoted": [e.person_id for e in promoted]}
    commit()
    return result


def _refuse_closed(workshop: Workshop) -> None:
    if workshop.status in (WorkshopStatus.CANCELLED, WorkshopStatus.FINISHED):
        raise DomainError("conflict", _("This workshop is not open for enrolment."))


def _lock_enrolments(workshop: Workshop) -> None:
    db.session.execute(
        update(Workshop)
        .where(Workshop.id == workshop.id)
        .values(enrolment_lock=Workshop.enrolment_lock + 1)
    )
    db.session.refresh(workshop)


def _is_approved_stakeholder(person: Person, pact_id: int) -> bool:
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


def _next_position(workshop: Workshop) -> int:
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
    enrolment.position = _next_position(workshop)
    enrolment.source = source
    enrolment.revoked = False
    db.session.flush()
    template = "workshop_invitation" if room else "workshop_waitlisted"
    _email_invitation(enrolment, template)
    return enrolment


def _promote_waitlisted(workshop: Workshop) -> list[Enrolment]:
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
        _email_invitation(waiting, "workshop_promoted")
        promoted.append(waiting)
    return promoted


def _active_enrolments(workshop: Workshop, statuses: Sequence[str]) -> list[Enrolment]:
    return list(
        db.session.scalars(
            select(Enrolment)
            .where(Enrolment.workshop_id == workshop.id, Enrolment.status.in_(statuses))
            .order_by(Enrolment.position)
        )
    )


# --- invitations -------------------------------------------------------------------


def join_link(enrolment: Enrolment) -> str:
    """The personal join link of an enrolment, valid until a week after the end."""
    workshop = enrolment.workshop
    ttl = workshop.ends_at + LINK_GRACE - utcnow()
    token = participant_token(
        enrolment.person_id,
        workshop.id,
        enrolment.token_version,
        max(int(ttl.total_seconds()), 3600),
    )
    return f"{_public_url()}/w/{workshop.id}/join/{token}"


def _public_url() -> str:
    return str(current_app.config["PUBLIC_URL"]).rstrip("/")


def _email_invitation(enrolment: Enrolment, template: str) -> None:
    workshop = enrolment.workshop
    person = enrolment.person
    with_link = not enrolment.revoked and template in (
        "workshop_invitation",
        "workshop_promoted",
        "workshop_moved",
    )
    link = join_link(enrolment) if with_link else ""
    attachment = None
    if template != "workshop_waitlisted":
        method = "cancel" if template == "workshop_cancelled" else "request"
        attachment = Attachment(
            "invite.ics",
            f"text/calendar; method={method.upper()}",
            invite_ics(workshop, f"{_public_url()}/me"),
        )
    if with_link:
        enrolment.invited_at = utcnow()
    queue_template_email(
        person.email,
        person.language,
        template,
        attachment,
        person=person,
        workshop=workshop,
        link=link,
        public_url=_public_url(),
    )


def resend_invitation(actor_id: int, enrolment_id: int) -> dict[str, Any]:
    """Send the join link again; after a revocation this gives a new, working link."""
    enrolment = _enrolment_for_official(actor_id, enrolment_id)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise DomainError("conflict", _("Only enrolled people get a join link."))
    if enrolment.revoked:
        enrolment.revoked = False
        enrolment.token_version += 1
    _email_invitation(enrolment, "workshop_invitation")
    result = {"enrolment": enrolment.id}
    commit()
    return result


def revoke_invitation(actor_id: int, enrolment_id: int) -> dict[str, Any]:
    """Invalidate every join link sent so far for this enrolment."""
    enrolment = _enrolment_for_official(actor_id, enrolment_id)
    enrolment.revoked = True
    enrolment.token_version += 1
    result = {"enrolment": enrolment.id}
    commit()
    return result


def request_new_link(workshop_id: int, email: str) -> None:
    """Someone whose link expired asks for a new one: it goes only to the enrolled
    address, and the answer is the same whether or not the address is enrolled."""
    enrolment = db.session.scalar(
        select(Enrolment)
        .join(Person, Person.id == Enrolment.person_id)
        .where(
            Enrolment.workshop_id == workshop_id,
            Person.email == email.strip().lower(),
            Enrolment.status == EnrolmentStatus.ENROLLED,
            Enrolment.revoked.is_(False),
        )
    )
    if enrolment is None or enrolment.workshop.status == WorkshopStatus.CANCELLED:
        return
    _email_invitation(enrolment, "workshop_invitation")
    commit()


def _enrolment_for_official(actor_id: int, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise DomainError("not_found", _("This enrolment does not exist."))
    _official_workshop(actor_id, enrolment.workshop_id)
    return enrolment


def mark_attendance(
    actor_id: int, enrolment_id: int, attendance: str
) -> dict[str, Any]:
    """A facilitator (or official) marks someone present or absent."""
    if attendance not in ("present", "absent"):
        raise DomainError("invalid", _("Unknown attendance."))
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise DomainError("not_found", _("This enrolment does not exist."))
    _staff_of(actor_id, enrolment.workshop.pact_id)
    if enrolment.workshop.status == WorkshopStatus.CANCELLED:
        raise DomainError("conflict", _("This workshop is cancelled."))
    if enrolment.workshop.starts_at - EARLY_ADMISSION > utcnow():
        raise DomainError(
            "conflict", _("Attendance can be marked once the workshop starts.")
        )
    enrolment.attendance = attendance
    result = {"enrolment": enrolment.id, "attendance": attendance}
    commit()
    return result


# --- identities --------------------------------------------------------------------


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


def identify_staff(token: str) -> int:
    """The staff member an `auth.token` stands for."""
    try:
        person_id = read_staff_token(token)
    except TokenError as exc:
        raise DomainError("unauthorized", exc.reason) from None
    person = db.session.get(Person, person_id)
    if person is None or not person.is_staff or not person.active:
        raise DomainError("unauthorized", "invalid")
    return person_id


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
        return staff_token(staff.id, ttl_seconds)
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
        _staff_of(staff.id, workshop.pact_id)
        return staff_token(staff.id, ttl_seconds)
    return participant_token(
        enrolment.person_id, workshop_id, enrolment.token_version, ttl_seconds
    )


# --- walk-ins ----------------------------------------------------------------------


def workshop_is_running(workshop: Workshop, now: datetime | None = None) -> bool:
    """Running: started by the facilitator, or inside its scheduled time (from half
    an hour before), and neither cancelled nor finished."""
    if workshop.status == WorkshopStatus.RUNNING:
        return True
    if workshop.status in (WorkshopStatus.CANCELLED, WorkshopStatus.FINISHED):
        return False
    moment = now or utcnow()
    return workshop.starts_at - EARLY_ADMISSION <= moment <= workshop.ends_at


def find_running_workshop(code: str) -> Workshop | None:
    normalised = code.strip().upper().replace(" ", "")
    if len(normalised) != JOIN_CODE_LENGTH:
        return None
    workshop = db.session.scalar(
        select(Workshop).where(Workshop.join_code == normalised)
    )
    return workshop if workshop is not None and workshop_is_running(workshop) else None


def join_walk_in(
    code: str, data: dict[str, Any], consent: dict[str, Any]
) -> dict[str, int]:
    """Someone without an invitation joins a running workshop with its code. They
    become a participant at once; their registration waits for an official."""
    workshop = find_running_workshop(code)
    if workshop is None:
        raise DomainError("not_found", _("This code is not valid now."), "code")
    _lock_enrolments(workshop)
    person = db.session.scalar(
        select(Person).where(
            Person.pact_id == workshop.pact_id, Person.email == data["contact_email"]
        )
    )
    if person is not None:
        # Knowing the code must not let anyone act as a known stakeholder: a known
        # address gets its personal link by e-mail instead (see request_new_link).
        raise DomainError(
            "known",
            _("This e-mail address is already registered: use your personal link."),
            "contact_email",
        )
    person = _walk_in_person(workshop, data, consent)
    enrolment = db.session.scalar(
        select(Enrolment).where(
            Enrolment.workshop_id == workshop.id, Enrolment.person_id == person.id
        )
    )
    if enrolment is None:
        enrolment = Enrolment(
            workshop=workshop, person=person, position=_next_position(workshop)
        )
        db.session.add(enrolment)
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.source = enrolment.source or EnrolmentSource.WALK_IN
    enrolment.attendance = "present"
    enrolment.revoked = False
    db.session.flush()
    result = {"person": person.id, "workshop": workshop.id, "enrolment": enrolment.id}
    commit()
    return result


def _walk_in_person(
    workshop: Workshop, data: dict[str, Any], consent: dict[str, Any]
) -> Person:
    pact = workshop.pact
    organisation = Organisation(
        pact_id=pact.id,
        name=data["organisation_name"],
        kind=data["kind"],
        country=pact.country,
        status=RegistrationStatus.PENDING,
        motivation=_(
            'Joined workshop "%(title)s" with its code.', title=workshop.title
        ),
    )
    person = Person(
        pact_id=pact.id,
        organisation=organisation,
        name=data["contact_name"],
        email=data["contact_email"],
        role=Role.PARTICIPANT,
        language=consent["language"],
    )
    db.session.add_all([organisation, person])
    db.session.add(Consent(organisation=organisation, person=person, **consent))
    return person


# --- bulk (load tests, rehearsals) -------------------------------------------------


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
    _lock_enrolments(workshop)
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
                "role": Role.PARTICIPANT,
                "language": workshop.language,
                "active": True,
                "created_at": now,
            }
            for n, organisation_id in enumerate(organisation_ids)
        ],
    )
    start = _next_position(workshop)
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
    commit()
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


# --- reads -------------------------------------------------------------------------


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
    if person.pact_id is None or not _is_approved_stakeholder(person, person.pact_id):
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
