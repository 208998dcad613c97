"""A pact's team: its staff and their role in it (official or facilitator). A staff
member's role is per pact; the same person may be an official of one pact and a
facilitator of another."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from core.choices import STAFF_ROLES, AccountKind
from core.errors import DomainError
from core.models import Pact
from extensions import db
from stakeholders.models import Person, StaffMembership


def grant_role(person_id: int, pact_id: int, role: str) -> dict[str, Any]:
    """Make a staff member official or facilitator of a pact (or change their role
    in it)."""
    if role not in STAFF_ROLES:
        raise DomainError("invalid", "role must be official or facilitator", "role")
    person = db.session.get(Person, person_id)
    if person is None or person.kind == AccountKind.PARTICIPANT:
        raise DomainError("not_found", "no such staff member", "person")
    if db.session.get(Pact, pact_id) is None:
        raise DomainError("not_found", "no such pact", "pact")
    membership = db.session.get(StaffMembership, (person_id, pact_id))
    if membership is None:
        membership = StaffMembership(person_id=person_id, pact_id=pact_id)
        db.session.add(membership)
    membership.role = role
    db.session.commit()
    return {"person": person_id, "pact": pact_id, "role": role}


def pact_team(pact_id: int) -> list[tuple[Person, str]]:
    """The pact's staff with their role in it, by name."""
    rows = db.session.execute(
        select(Person, StaffMembership.role)
        .join(StaffMembership, StaffMembership.person_id == Person.id)
        .where(StaffMembership.pact_id == pact_id)
        .order_by(Person.name, Person.id)
    ).all()
    return [(person, role) for person, role in rows]
