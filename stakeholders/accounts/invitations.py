"""Inviting a person to a pact's team by e-mail, as its official or facilitator. An
unknown address gets a staff account without a password and a one-time link to set
one (/invitation/<token>); an existing staff account just joins the team and is told
by e-mail (an invited one that never set its password gets a fresh link instead)."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from core.audit import AuditAction, record_staff_action
from core.choices import STAFF_ROLE_LABELS, STAFF_ROLES, AccountKind, Role
from core.errors import DomainError
from core.links import public_url
from core.mail import queue_template_email
from core.models import Pact
from core.transactions import use_case
from extensions import db
from stakeholders.accounts.passwords import LINK_PATHS
from stakeholders.accounts.rules import member_of, team_manager
from stakeholders.accounts.tokens import Purpose, issue_token
from stakeholders.models import Person, StaffMembership
from stakeholders.services import find_staff


@use_case
def invite_staff(
    actor_id: int,
    pact_id: int,
    email: str,
    name: str,
    role: str,
    language: str,
) -> dict[str, Any]:
    """Invite `email` to the pact's team in `role`; the e-mail is written in
    `language` (one of the pact's) to a new account. `{"person", "new"}`."""
    actor = team_manager(actor_id, pact_id)
    pact = db.session.get(Pact, pact_id)
    if pact is None:
        raise DomainError("not_found", _("This pact does not exist."))
    if role not in STAFF_ROLES:
        raise DomainError("invalid", _("Please choose a role."), "role")
    if language not in pact.language_list:
        raise DomainError("invalid", _("Please choose a language."), "language")
    email = email.strip().lower()
    person = find_staff(email)
    new = person is None
    if person is None:
        person = Person(
            email=email, name=name.strip(), kind=AccountKind.STAFF, language=language
        )
        db.session.add(person)
    else:
        _check_invitable(person, pact_id)
    person.memberships.append(StaffMembership(pact_id=pact.id, role=role))
    db.session.flush()
    _tell(person, pact, actor, role)
    record_staff_action(
        actor_id, pact_id, AuditAction.INVITE_STAFF, "person", person.id,
        role=role, new_account=new,
    )  # fmt: skip
    return {"person": person.id, "new": new}


def _check_invitable(person: Person, pact_id: int) -> None:
    if not person.is_staff:
        raise DomainError(
            "conflict", _("This address cannot be invited as staff."), "email"
        )
    if not person.active:
        raise DomainError(
            "conflict",
            _("This account is deactivated: an administrator can reactivate it."),
            "email",
        )
    if db.session.get(StaffMembership, (person.id, pact_id)) is not None:
        raise DomainError(
            "duplicate", _("This person is in the pact's team already."), "email"
        )


def _tell(person: Person, pact: Pact, actor: Person, role: str) -> None:
    """The invitation with its link (no password yet), or a notice."""
    label = STAFF_ROLE_LABELS[Role(role)]
    if person.password_hash is not None:
        queue_template_email(
            person.email, person.language, "staff_added",
            person=person, pact=pact, inviter=actor.name, role=label,
            link=f"{public_url()}/staff/",
        )  # fmt: skip
        return
    seconds = int(current_app.config["INVITATION_TTL_SECONDS"])
    token = issue_token(person.id, Purpose.INVITATION, seconds)
    queue_template_email(
        person.email, person.language, "staff_invitation",
        person=person, pact=pact, inviter=actor.name, role=label,
        link=f"{public_url()}{LINK_PATHS[Purpose.INVITATION]}{token}",
        days=seconds // 86400,
    )  # fmt: skip


@use_case
def resend_invitation(actor_id: int, pact_id: int, person_id: int) -> dict[str, Any]:
    """A fresh invitation link for a member who has not set a password yet (the
    earlier link stops working)."""
    actor = team_manager(actor_id, pact_id)
    membership = member_of(pact_id, person_id)
    person = membership.person
    if not person.active:
        raise DomainError("conflict", _("This account is deactivated."))
    if person.password_hash is not None:
        raise DomainError("conflict", _("This person has accepted the invitation."))
    _tell(person, membership.pact, actor, membership.role)
    record_staff_action(
        actor_id, pact_id, AuditAction.RESEND_STAFF_INVITATION, "person", person_id
    )
    return {"person": person_id}
