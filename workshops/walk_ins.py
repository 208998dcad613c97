"""Walk-ins: someone at the venue types the workshop's join code and their details,
and is enrolled (and registered if new) while the workshop is running. They get their
personal join link at once, on the page and by e-mail, so that losing the session
(another device, a closed browser) does not lock them out."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.choices import AccountKind, RegistrationStatus
from core.errors import DomainError
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from stakeholders.models import Consent, Organisation, Person
from workshops.enrolment import lock_enrolments, next_position
from workshops.invitations import EARLY_ADMISSION, email_invitation, join_link
from workshops.models import (
    Enrolment,
    EnrolmentSource,
    EnrolmentStatus,
    Workshop,
    WorkshopStatus,
)
from workshops.scheduling import JOIN_CODE_LENGTH


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


@use_case
def join_walk_in(
    code: str, data: dict[str, Any], consent: dict[str, Any]
) -> dict[str, Any]:
    """Someone without an invitation joins a running workshop with its code. They
    become a participant at once; their registration waits for an official. Their
    personal join link (`link`) is returned, to show, and e-mailed to them."""
    workshop = find_running_workshop(code)
    if workshop is None:
        raise DomainError("not_found", _("This code is not valid now."), "code")
    lock_enrolments(workshop)
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
            workshop=workshop, person=person, position=next_position(workshop)
        )
        db.session.add(enrolment)
    enrolment.status = EnrolmentStatus.ENROLLED
    enrolment.source = enrolment.source or EnrolmentSource.WALK_IN
    enrolment.attendance = "present"
    enrolment.revoked = False
    db.session.flush()
    email_invitation(enrolment, "workshop_invitation")
    return {
        "person": person.id,
        "workshop": workshop.id,
        "enrolment": enrolment.id,
        "link": join_link(enrolment),
    }


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
        kind=AccountKind.PARTICIPANT,
        language=consent["language"],
    )
    db.session.add_all([organisation, person])
    db.session.add(Consent(organisation=organisation, person=person, **consent))
    return person
