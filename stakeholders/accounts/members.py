"""A pact's team as its officials manage it: who is in it (role and account status),
changing a member's role, removing a member from the pact, deactivating and
reactivating an account. Each use case takes its actor explicitly, keeps the rules
of stakeholders.accounts.rules and records the change in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from core.audit import AuditAction, record_staff_action
from core.choices import STAFF_ROLES, AccountStatus
from core.errors import DomainError
from core.session_ends import (
    DEACTIVATED,
    REMOVED_FROM_TEAM,
    SessionEnd,
    announce_session_end,
)
from core.transactions import use_case
from extensions import db
from stakeholders.accounts.rules import (
    check_may_deactivate,
    keep_an_official,
    manages_team,
    may_deactivate,
    member_of,
    team_manager,
)
from stakeholders.logins import end_other_sessions
from stakeholders.models import Person, StaffMembership
from stakeholders.team import pact_team


@dataclass(frozen=True)
class Member:
    """One line of the team page (`email` is None for a viewer who does not
    manage the team: personal data on a need-to-know basis)."""

    id: int
    name: str
    email: str | None
    role: str
    status: str
    deactivatable: bool


def account_status(person: Person) -> AccountStatus:
    if not person.active:
        return AccountStatus.DEACTIVATED
    if person.password_hash is None:
        return AccountStatus.INVITED
    return AccountStatus.ACTIVE


def team_of(actor_id: int, pact_id: int) -> list[Member]:
    """The pact's staff, by name, with what the actor may do to each account; their
    e-mail addresses only when the actor manages the team."""
    actor = db.session.get(Person, actor_id)
    shows_email = manages_team(actor, pact_id)
    return [
        Member(
            id=person.id,
            name=person.name,
            email=person.email if shows_email else None,
            role=role,
            status=account_status(person),
            deactivatable=actor is not None and may_deactivate(actor, person),
        )
        for person, role in pact_team(pact_id)
    ]


def team_member(pact_id: int, person_id: int) -> Member | None:
    """One member of the pact's team (for a confirmation page), or None."""
    membership = db.session.get(StaffMembership, (person_id, pact_id))
    if membership is None:
        return None
    person = membership.person
    return Member(
        person.id,
        person.name,
        person.email,
        membership.role,
        account_status(person),
        False,
    )


@use_case
def change_role(
    actor_id: int, pact_id: int, person_id: int, role: str
) -> dict[str, Any]:
    """Make a member official or facilitator of the pact."""
    team_manager(actor_id, pact_id)
    if role not in STAFF_ROLES:
        raise DomainError("invalid", _("Please choose a role."), "role")
    membership = member_of(pact_id, person_id)
    if membership.role == role:
        raise DomainError("conflict", _("This person already has that role."))
    keep_an_official(membership)
    membership.role = role
    record_staff_action(
        actor_id, pact_id, AuditAction.CHANGE_ROLE, "person", person_id, role=role
    )
    return {"person": person_id, "role": role}


@use_case
def remove_member(actor_id: int, pact_id: int, person_id: int) -> dict[str, Any]:
    """Take a member off the pact's team; their account stays (other pacts)."""
    team_manager(actor_id, pact_id)
    membership = member_of(pact_id, person_id)
    keep_an_official(membership)
    role = membership.role
    db.session.delete(membership)
    announce_session_end(SessionEnd(person_id, REMOVED_FROM_TEAM))
    record_staff_action(
        actor_id, pact_id, AuditAction.REMOVE_STAFF, "person", person_id, role=role
    )
    return {"person": person_id}


@use_case
def deactivate_account(actor_id: int, pact_id: int, person_id: int) -> dict[str, Any]:
    """Deactivate a member's account: they can no longer log in, their sessions end
    at once, and their e-mailed links stop working. Refused when one of their pacts
    would be left without an active official."""
    actor = team_manager(actor_id, pact_id)
    person = member_of(pact_id, person_id).person
    check_may_deactivate(actor, person)
    if not person.active:
        raise DomainError("conflict", _("This account is deactivated already."))
    for membership in person.memberships:
        keep_an_official(membership)
    person.active = False
    end_other_sessions(person.id, keep=None, reason=DEACTIVATED)
    announce_session_end(SessionEnd(person.id, DEACTIVATED))
    _record_on_each_pact(actor_id, person, AuditAction.DEACTIVATE_ACCOUNT)
    return {"person": person_id, "active": False}


@use_case
def reactivate_account(actor_id: int, pact_id: int, person_id: int) -> dict[str, Any]:
    actor = team_manager(actor_id, pact_id)
    person = member_of(pact_id, person_id).person
    check_may_deactivate(actor, person)
    if person.active:
        raise DomainError("conflict", _("This account is active already."))
    person.active = True
    _record_on_each_pact(actor_id, person, AuditAction.REACTIVATE_ACCOUNT)
    return {"person": person_id, "active": True}


def _record_on_each_pact(actor_id: int, person: Person, action: AuditAction) -> None:
    """Every pact the person works on sees it in its audit log."""
    for membership in person.memberships:
        record_staff_action(actor_id, membership.pact_id, action, "person", person.id)
