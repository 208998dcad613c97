"""Use cases of stakeholders: registering an organisation, deciding on a registration,
staff accounts and authentication. Each takes its actor explicitly, commits once at its
end, raises DomainError (after rolling back) when it cannot proceed, and sends e-mail
only after the commit."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.audit import AuditAction, record_staff_action
from core.choices import PASSWORD_MIN, STAFF_ROLES, RegistrationStatus, Role
from core.errors import DomainError
from core.mail import queue_template_email
from core.models import Pact
from core.pacts import theme_label
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from stakeholders.models import Consent, Organisation, OrganisationService, Person
from stakeholders.passwords import hash_password, needs_rehash, verify_password


@use_case
def register_organisation(
    pact_id: int,
    data: dict[str, Any],
    consent: dict[str, Any],
    *,
    status: str = RegistrationStatus.PENDING,
    notify: bool = True,
) -> dict[str, Any]:
    """Record a registration (organisation, contact person, consent) for a pact.

    `consent` holds `version`, `language`, `text`, `ip_address` and, for imports,
    `given_at`. Raises DomainError `duplicate` when the contact e-mail or the
    registration number is already registered for this pact."""
    pact = db.session.get(Pact, pact_id)
    if pact is None:
        raise DomainError("not_found", _("This pact does not exist."))
    _refuse_duplicates(pact_id, data)
    organisation = _new_organisation(pact, data, status)
    person = Person(
        pact_id=pact_id,
        organisation=organisation,
        name=data["contact_name"],
        position=data.get("contact_position") or "",
        email=data["contact_email"],
        phone=data.get("contact_phone"),
        role=Role.PARTICIPANT,
        language=consent["language"],
    )
    given_at: datetime = consent.get("given_at") or utcnow()
    db.session.add_all([organisation, person])
    db.session.add(
        Consent(
            organisation=organisation,
            person=person,
            version=consent["version"],
            language=consent["language"],
            text=consent["text"],
            ip_address=consent.get("ip_address"),
            given_at=given_at,
        )
    )
    try:
        db.session.flush()
    except IntegrityError:
        # A concurrent registration won the race on the unique indexes.
        raise DomainError(
            "duplicate",
            _("This organisation or e-mail is already registered."),
            "contact_email",
        ) from None
    if notify:
        _email_person(person, "registration_received", pact=pact)
    return {
        "organisation": organisation.id,
        "person": person.id,
        "status": organisation.status,
    }


def _refuse_duplicates(pact_id: int, data: dict[str, Any]) -> None:
    email_taken = db.session.scalar(
        select(Person.id).where(
            Person.pact_id == pact_id, Person.email == data["contact_email"]
        )
    )
    if email_taken is not None:
        raise DomainError(
            "duplicate",
            _(
                "This e-mail address has already registered for this pact. Check your "
                "inbox for the confirmation e-mail, or contact the pact's team."
            ),
            "contact_email",
        )
    number = data.get("registration_number")
    if (
        number
        and db.session.scalar(
            select(Organisation.id).where(
                Organisation.pact_id == pact_id,
                Organisation.registration_number == number,
            )
        )
        is not None
    ):
        raise DomainError(
            "duplicate",
            _("An organisation with this registration number is already registered."),
            "registration_number",
        )


def _new_organisation(pact: Pact, data: dict[str, Any], status: str) -> Organisation:
    wanted_themes = set(data["themes"])
    return Organisation(
        pact_id=pact.id,
        name=data["organisation_name"],
        kind=data["kind"],
        size=data["size"],
        sector=data["sector"],
        locality=data["locality"],
        region=data["region"],
        country=data["country"],
        registration_number=data.get("registration_number"),
        website=data.get("website"),
        motivation=data.get("motivation") or "",
        status=status,
        services=[
            OrganisationService(service=s) for s in sorted(set(data["services"]))
        ],
        themes=[theme for theme in pact.themes if theme.key in wanted_themes],
        created_at=data.get("registered_at") or utcnow(),
    )


@use_case
def decide_registration(
    actor_id: int, pact_id: int, organisation_id: int, status: str, reason: str = ""
) -> dict[str, Any]:
    """Approve or reject a registration (an official of the pact only); the applicant
    is told by e-mail, in the language they registered in."""
    if status not in (RegistrationStatus.APPROVED, RegistrationStatus.REJECTED):
        raise DomainError("invalid", _("Unknown decision."))
    actor = official_of(actor_id, pact_id)
    organisation = _registration_of(pact_id, organisation_id)
    if organisation.status == RegistrationStatus.WITHDRAWN:
        raise DomainError(
            "conflict", _("The contact withdrew their consent: nothing to decide.")
        )
    if organisation.status == status:
        raise DomainError("conflict", _("This registration already has that status."))
    organisation.status = status
    organisation.decision_reason = reason
    organisation.decided_at = utcnow()
    organisation.decided_by_id = actor.id
    contact = organisation.contact
    if contact is not None:
        _email_person(
            contact, f"registration_{status}", pact=organisation.pact, reason=reason
        )
    action = (
        AuditAction.APPROVE
        if status == RegistrationStatus.APPROVED
        else AuditAction.REJECT
    )
    record_staff_action(
        actor.id, pact_id, action, "organisation", organisation.id, reason=bool(reason)
    )
    return {"organisation": organisation.id, "status": organisation.status}


def official_of(actor_id: int, pact_id: int) -> Person:
    actor = db.session.get(Person, actor_id)
    if (
        actor is None
        or actor.role != Role.OFFICIAL
        or pact_id not in {p.id for p in actor.pacts}
    ):
        raise DomainError("forbidden", _("Only the pact's officials can do this."))
    return actor


def _registration_of(pact_id: int, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.pact_id != pact_id:
        raise DomainError("not_found", _("This registration does not exist."))
    return organisation


def _email_person(person: Person, template: str, **context: Any) -> None:
    queue_template_email(
        person.email, person.language, template, person=person, **context
    )


@use_case
def create_staff(
    email: str, name: str, role: str, password: str, pact_slugs: list[str]
) -> dict[str, Any]:
    """Create an official or facilitator, member of the given pacts."""
    email = email.strip().lower()
    if role not in STAFF_ROLES:
        raise DomainError("invalid", "role must be official or facilitator", "role")
    if "@" not in email or not name.strip():
        raise DomainError("invalid", "a valid e-mail and a name are required", "email")
    if len(password) < PASSWORD_MIN:
        raise DomainError(
            "invalid", f"the password needs {PASSWORD_MIN}+ characters", "password"
        )
    pacts = db.session.scalars(select(Pact).where(Pact.slug.in_(pact_slugs))).all()
    missing = set(pact_slugs) - {pact.slug for pact in pacts}
    if missing:
        raise DomainError("not_found", f"no pact {sorted(missing)[0]!r}", "pact")
    if find_staff(email) is not None:
        raise DomainError("duplicate", f"staff {email} exists", "email")
    person = Person(
        email=email, name=name.strip(), role=role, password_hash=hash_password(password)
    )
    person.pacts = list(pacts)
    db.session.add(person)
    db.session.flush()
    return {"id": person.id}


def find_staff(email: str) -> Person | None:
    return db.session.scalar(
        select(Person).where(
            Person.pact_id.is_(None), Person.email == email.strip().lower()
        )
    )


@use_case
def authenticate_staff(email: str, password: str) -> int | None:
    """The staff member's id when the e-mail and password match an active account."""
    person = find_staff(email)
    valid = verify_password(person.password_hash if person else None, password)
    if person is None or not valid or not person.active or not person.is_staff:
        return None
    if person.password_hash and needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
    return person.id


def staff_pact(actor: Person, slug: str) -> Pact | None:
    """The pact when the actor is its staff; None otherwise (callers answer 404)."""
    if not actor.is_staff:
        return None
    return next((pact for pact in actor.pacts if pact.slug == slug), None)


def theme_choices(pact: Pact) -> list[tuple[str, str]]:
    """(key, label) of the pact's themes, in their order."""
    return [(theme.key, theme_label(theme)) for theme in pact.themes]


def count_pending(pact_id: int) -> int:
    return (
        db.session.scalar(
            select(func.count(Organisation.id)).where(
                Organisation.pact_id == pact_id,
                Organisation.status == RegistrationStatus.PENDING,
            )
        )
        or 0
    )
