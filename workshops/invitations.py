"""Passwordless invitations: personal join links, the invitation e-mail (with its
calendar file), re-sending, revoking, a new link on request, and attendance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import AuditAction, record_staff_action
from core.errors import DomainError
from core.links import public_url
from core.mail import Attachment, queue_template_email
from core.session_ends import REVOKED, SessionEnd, announce_session_end
from core.time import utcnow
from core.tokens import (
    participant_token,
)
from core.transactions import use_case
from extensions import db
from stakeholders.models import Person
from workshops.access import official_workshop, staff_of
from workshops.calendar import invite_ics
from workshops.models import Board, Enrolment, EnrolmentStatus, WorkshopStatus

# Walk-in codes and attendance work from a little before the start until the end.
EARLY_ADMISSION = timedelta(minutes=30)
# Join links stay valid this long after the workshop ends (for the follow-up).
LINK_GRACE = timedelta(days=7)


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
    return f"{public_url()}/w/{workshop.id}/join/{token}"


def email_invitation(enrolment: Enrolment, template: str) -> None:
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
            invite_ics(workshop, f"{public_url()}/me"),
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
        public_url=public_url(),
    )


@use_case
def resend_invitation(actor_id: int, enrolment_id: int) -> dict[str, Any]:
    """Send the join link again; after a revocation this gives a new, working link."""
    enrolment = _enrolment_for_official(actor_id, enrolment_id)
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise DomainError("conflict", _("Only enrolled people get a join link."))
    if enrolment.revoked:
        enrolment.revoked = False
        enrolment.token_version += 1
    email_invitation(enrolment, "workshop_invitation")
    _record(actor_id, enrolment, AuditAction.RESEND_INVITATION)
    return {"enrolment": enrolment.id}


@use_case
def revoke_invitation(actor_id: int, enrolment_id: int) -> dict[str, Any]:
    """Invalidate every join link sent so far for this enrolment."""
    enrolment = _enrolment_for_official(actor_id, enrolment_id)
    revoke_enrolment_links(enrolment)
    _record(actor_id, enrolment, AuditAction.REVOKE_INVITATION)
    return {"enrolment": enrolment.id}


def revoke_enrolment_links(enrolment: Enrolment) -> None:
    """Every join link sent so far stops working, and the person's connections to
    the workshop's boards close after the commit (whatever they opened them with:
    the link's token, or the session it opened)."""
    enrolment.revoked = True
    enrolment.token_version += 1
    boards = db.session.scalars(
        select(Board.id).where(Board.workshop_id == enrolment.workshop_id)
    )
    announce_session_end(
        SessionEnd(
            enrolment.person_id,
            REVOKED,
            workshop=enrolment.workshop_id,
            boards=tuple(boards),
        )
    )


@use_case
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
    email_invitation(enrolment, "workshop_invitation")


def _record(
    actor_id: int, enrolment: Enrolment, action: AuditAction, **details: Any
) -> None:
    workshop = enrolment.workshop
    record_staff_action(
        actor_id,
        workshop.pact_id,
        action,
        "enrolment",
        enrolment.id,
        workshop=workshop.id,
        person=enrolment.person_id,
        **details,
    )


def _enrolment_for_official(actor_id: int, enrolment_id: int) -> Enrolment:
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise DomainError("not_found", _("This enrolment does not exist."))
    official_workshop(actor_id, enrolment.workshop_id)
    return enrolment


@use_case
def mark_attendance(
    actor_id: int, enrolment_id: int, attendance: str
) -> dict[str, Any]:
    """A facilitator (or official) marks someone present or absent."""
    if attendance not in ("present", "absent"):
        raise DomainError("invalid", _("Unknown attendance."))
    enrolment = db.session.get(Enrolment, enrolment_id)
    if enrolment is None:
        raise DomainError("not_found", _("This enrolment does not exist."))
    staff_of(actor_id, enrolment.workshop.pact_id)
    if enrolment.workshop.status == WorkshopStatus.CANCELLED:
        raise DomainError("conflict", _("This workshop is cancelled."))
    if enrolment.workshop.starts_at - EARLY_ADMISSION > utcnow():
        raise DomainError(
            "conflict", _("Attendance can be marked once the workshop starts.")
        )
    enrolment.attendance = attendance
    _record(actor_id, enrolment, AuditAction.MARK_ATTENDANCE, attendance=attendance)
    return {"enrolment": enrolment.id, "attendance": attendance}
