"""Officials working through a pact's registrations: deciding several at once,
finding the next one waiting, and editing one (a walk-in's missing size and sector,
a typo in a contact's details) with a history of who changed which fields when.
The history and the audit log name the fields only, never their old values."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.audit import AuditAction, changed_fields, record_staff_action
from core.choices import RegistrationStatus
from core.errors import DomainError
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from stakeholders.models import (
    Organisation,
    OrganisationService,
    Person,
    RegistrationChange,
)
from stakeholders.services import apply_decision, official_of, registration_of

# The most registrations one bulk decision may name (a page of the list, and more).
BULK_MAX = 200

# The edited fields, labelled for the official (the edit form and the history).
FIELD_LABELS: dict[str, Any] = {
    "organisation_name": _l("Organisation name"),
    "kind": _l("Kind"),
    "size": _l("Size"),
    "sector": _l("Sector"),
    "locality": _l("Locality"),
    "region": _l("County / region"),
    "country": _l("Country"),
    "registration_number": _l("Registration number"),
    "website": _l("Website"),
    "contact_name": _l("Contact"),
    "contact_position": _l("Contact's position"),
    "contact_email": _l("E-mail"),
    "contact_phone": _l("Contact's phone"),
    "services": _l("Services wanted"),
    "themes": _l("Themes"),
    "motivation": _l("Motivation"),
}

# Form field -> Organisation attribute, and -> the contact Person's attribute.
ORGANISATION_FIELDS = {
    "organisation_name": "name",
    "kind": "kind",
    "size": "size",
    "sector": "sector",
    "locality": "locality",
    "region": "region",
    "country": "country",
    "registration_number": "registration_number",
    "website": "website",
    "motivation": "motivation",
}
CONTACT_FIELDS = {
    "contact_name": "name",
    "contact_position": "position",
    "contact_email": "email",
    "contact_phone": "phone",
}


def registrations_of(pact_id: int, ids: Iterable[int]) -> list[Organisation]:
    """The pact's registrations with these ids, oldest first; DomainError
    `not_found` when any id is not one of the pact's (another pact's included)."""
    wanted = set(ids)
    if not wanted or len(wanted) > BULK_MAX:
        raise DomainError(
            "invalid",
            _("Select between 1 and %(num)d registrations.", num=BULK_MAX),
        )
    found = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.pact_id == pact_id, Organisation.id.in_(wanted))
            .order_by(Organisation.created_at, Organisation.id)
        )
    )
    if len(found) != len(wanted):
        raise DomainError("not_found", _("This registration does not exist."))
    return found


@use_case
def decide_registrations(
    actor_id: int, pact_id: int, ids: Iterable[int], status: str, reason: str = ""
) -> dict[str, int]:
    """Approve or reject several registrations of the pact at once, each e-mailed
    and audited as a single decision is. Those that already have the status, or
    whose contact withdrew their consent, are left as they are (`unchanged`)."""
    if status not in (RegistrationStatus.APPROVED, RegistrationStatus.REJECTED):
        raise DomainError("invalid", _("Unknown decision."))
    actor = official_of(actor_id, pact_id)
    decided = unchanged = 0
    for organisation in registrations_of(pact_id, ids):
        if organisation.status in (status, RegistrationStatus.WITHDRAWN):
            unchanged += 1
            continue
        apply_decision(actor, organisation, status, reason)
        decided += 1
    return {"decided": decided, "unchanged": unchanged}


def next_pending(pact_id: int, after_id: int | None = None) -> int | None:
    """The registration waiting longest, other than `after_id`."""
    query = select(Organisation.id).where(
        Organisation.pact_id == pact_id,
        Organisation.status == RegistrationStatus.PENDING,
    )
    if after_id is not None:
        query = query.where(Organisation.id != after_id)
    return db.session.scalar(
        query.order_by(Organisation.created_at, Organisation.id).limit(1)
    )


def registration_values(organisation: Organisation) -> dict[str, Any]:
    """The registration as the form shows it (and as an edit compares it)."""
    values: dict[str, Any] = {
        field: getattr(organisation, attribute)
        for field, attribute in ORGANISATION_FIELDS.items()
    }
    contact = organisation.contact
    for field, attribute in CONTACT_FIELDS.items():
        values[field] = getattr(contact, attribute) if contact else None
    values["services"] = sorted(organisation.service_keys)
    values["themes"] = sorted(theme.key for theme in organisation.themes)
    return values


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    """The submitted values in the shape of `registration_values`."""
    values = {name: data.get(name) for name in FIELD_LABELS}
    values["services"] = sorted(set(data.get("services") or []))
    values["themes"] = sorted(set(data.get("themes") or []))
    values["motivation"] = data.get("motivation") or ""
    values["contact_position"] = data.get("contact_position") or ""
    return values


@use_case
def edit_registration(
    actor_id: int, pact_id: int, organisation_id: int, data: dict[str, Any]
) -> dict[str, Any]:
    """An official of the pact corrects or completes a registration (validated by
    the registration form). The change is kept in its history and audited with
    the names of the fields changed; nothing when nothing changed."""
    actor = official_of(actor_id, pact_id)
    organisation = registration_of(pact_id, organisation_id)
    contact = organisation.contact
    if contact is None or contact.erased_at is not None:
        raise DomainError("conflict", _("The contact person was erased."))
    if organisation.status == RegistrationStatus.WITHDRAWN:
        raise DomainError(
            "conflict", _("The contact withdrew their consent: nothing to edit.")
        )
    after = _comparable(data)
    fields = changed_fields(registration_values(organisation), after)
    if not fields:
        return {"organisation": organisation.id, "fields": []}
    _refuse_taken(organisation, contact, after)
    _apply(organisation, contact, after)
    db.session.add(
        RegistrationChange(
            organisation_id=organisation.id,
            actor_id=actor.id,
            at=utcnow(),
            fields=fields,
        )
    )
    record_staff_action(
        actor.id,
        pact_id,
        AuditAction.EDIT,
        "organisation",
        organisation.id,
        fields=fields,
    )
    return {"organisation": organisation.id, "fields": fields}


def _refuse_taken(
    organisation: Organisation, contact: Person, after: dict[str, Any]
) -> None:
    email_taken = db.session.scalar(
        select(Person.id).where(
            Person.pact_id == organisation.pact_id,
            Person.email == after["contact_email"],
            Person.id != contact.id,
        )
    )
    if email_taken is not None:
        raise DomainError(
            "duplicate",
            _("Another registration of this pact has this e-mail address."),
            "contact_email",
        )
    number = after["registration_number"]
    number_taken = number and db.session.scalar(
        select(Organisation.id).where(
            Organisation.pact_id == organisation.pact_id,
            Organisation.registration_number == number,
            Organisation.id != organisation.id,
        )
    )
    if number_taken:
        raise DomainError(
            "duplicate",
            _("An organisation with this registration number is already registered."),
            "registration_number",
        )


def _apply(organisation: Organisation, contact: Person, after: dict[str, Any]) -> None:
    for field, attribute in ORGANISATION_FIELDS.items():
        setattr(organisation, attribute, after[field])
    for field, attribute in CONTACT_FIELDS.items():
        setattr(contact, attribute, after[field])
    kept = {row.service: row for row in organisation.services}
    organisation.services = [
        kept.get(key) or OrganisationService(service=key) for key in after["services"]
    ]
    wanted = set(after["themes"])
    organisation.themes = [t for t in organisation.pact.themes if t.key in wanted]


def registration_changes(organisation_id: int) -> list[dict[str, Any]]:
    """The registration's history of edits, newest first: when, by whom (their
    name, or None once their account is gone), and the fields' labels."""
    changes = db.session.scalars(
        select(RegistrationChange)
        .where(RegistrationChange.organisation_id == organisation_id)
        .order_by(RegistrationChange.at.desc(), RegistrationChange.id.desc())
    ).all()
    names = {
        person.id: person.name
        for person in db.session.scalars(
            select(Person).where(Person.id.in_({c.actor_id for c in changes}))
        )
    }
    return [
        {
            "at": change.at,
            "actor": names.get(change.actor_id),
            "fields": [str(FIELD_LABELS.get(f, f)) for f in change.fields],
        }
        for change in changes
    ]
