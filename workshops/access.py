"""Who may act on a workshop: the staff of its pact, its officials, and the workshop
itself looked up (not found otherwise); shared by the workshops' use cases."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _

from core.choices import STAFF_ROLES, Role
from core.errors import DomainError
from extensions import db
from stakeholders.models import Person
from workshops.models import Workshop


def staff_of(actor_id: int, pact_id: int, roles: Iterable[str] = STAFF_ROLES) -> Person:
    actor = db.session.get(Person, actor_id)
    allowed = set(roles)
    if actor is None or not actor.active or not actor.is_staff:
        raise DomainError("forbidden", _("Your role does not allow this action."))
    role = actor.role_in(pact_id)
    if role is None:
        raise DomainError("not_found", _("This workshop does not exist."))
    if role not in allowed:
        raise DomainError("forbidden", _("Your role does not allow this action."))
    return actor


def get_workshop(workshop_id: int, pact_id: int | None = None) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None or (pact_id is not None and workshop.pact_id != pact_id):
        raise DomainError("not_found", _("This workshop does not exist."))
    return workshop


def official_workshop(actor_id: int, workshop_id: int) -> Workshop:
    workshop = get_workshop(workshop_id)
    staff_of(actor_id, workshop.pact_id, [Role.OFFICIAL])
    return workshop
