"""Who may manage a pact's team, and the rules every change keeps: a pact's
officials (and any administrator) manage its team and see its members' e-mail
addresses (facilitators see names and roles only); a pact never loses its last
active official; an official deactivates only accounts that work on no pact where
they are not official themselves (others they remove from their pact), an
administrator any account but their own."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.choices import AccountKind, Role
from core.errors import DomainError
from core.models import Pact
from extensions import db
from stakeholders.models import Person, StaffMembership


def manages_team(actor: Person | None, pact_id: int) -> bool:
    """Whether the actor manages this pact's team (and so sees its members'
    e-mail addresses)."""
    return actor is not None and (actor.is_admin or actor.is_official_of(pact_id))


def team_manager(actor_id: int, pact_id: int) -> Person:
    """The actor, when they may manage this pact's team."""
    actor = db.session.get(Person, actor_id)
    if actor is None or not manages_team(actor, pact_id):
        raise DomainError(
            "forbidden", _("Only the pact's officials can manage its team.")
        )
    return actor


def member_of(pact_id: int, person_id: int) -> StaffMembership:
    membership = db.session.get(StaffMembership, (person_id, pact_id))
    if membership is None:
        raise DomainError("not_found", _("This person is not in the pact's team."))
    return membership


def active_officials(pact_id: int, other_than: int) -> int:
    """How many officials of the pact, besides `other_than`, have an active
    account with a password (an invitation not yet accepted does not count)."""
    return int(
        db.session.scalar(
            select(func.count())
            .select_from(StaffMembership)
            .join(Person, Person.id == StaffMembership.person_id)
            .where(
                StaffMembership.pact_id == pact_id,
                StaffMembership.role == Role.OFFICIAL,
                StaffMembership.person_id != other_than,
                Person.active.is_(True),
                Person.password_hash.is_not(None),
            )
        )
        or 0
    )


def keep_an_official(membership: StaffMembership) -> None:
    """Refuse a change that would leave the membership's pact without an active
    official."""
    if membership.role != Role.OFFICIAL:
        return
    if active_officials(membership.pact_id, membership.person_id) == 0:
        pact = db.session.get(Pact, membership.pact_id)
        raise DomainError(
            "conflict",
            _(
                "%(pact)s would be left without an active official. Invite "
                "another official first.",
                pact=pact.title if pact else "",
            ),
        )


def may_deactivate(actor: Person, person: Person) -> bool:
    """Whether the actor may deactivate (or reactivate) the person's account."""
    if actor.id == person.id or not person.is_staff:
        return False
    if actor.is_admin:
        return True
    if person.kind == AccountKind.ADMIN:
        return False
    return all(actor.is_official_of(m.pact_id) for m in person.memberships)


def check_may_deactivate(actor: Person, person: Person) -> None:
    if actor.id == person.id:
        raise DomainError("forbidden", _("You cannot deactivate your own account."))
    if not may_deactivate(actor, person):
        raise DomainError(
            "forbidden",
            _(
                "This person also works on pacts where you are not an official: "
                "you can remove them from this pact, but not deactivate their "
                "account."
            ),
        )
