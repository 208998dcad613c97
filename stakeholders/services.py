"""Use cases of stakeholders: registering an organisation, deciding on a registration,
staff accounts, authentication and passwords. Each takes its actor explicitly, commits
once at its end, raises DomainError (after rolling back) when it cannot proceed, and
sends e-mail only after the commit. Passwords are hashed and verified while no
transaction is open: each waits for a thread of the password pool (core.passwords),
which may answer PasswordsBusy."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.audit import AuditAction, record_staff_action
from core.choices import (
    PASSWORD_MIN,
    STAFF_ROLES,
    AccountKind,
    RegistrationStatus,
    Role,
)
from core.errors import DomainError
from core.mail import queue_template_email
from core.models import Pact
from core.pacts import theme_label
from core.passwords import hash_password, needs_rehash, verify_password
from core.session_ends import PASSWORD_CHANGED
from core.time import utcnow
from core.transactions import unit_of_work, use_case
from extensions import db
from stakeholders.logins import end_other_sessions
from stakeholders.models import (
    Consent,
    Organisation,
    OrganisationService,
    Person,
    StaffMembership,
)


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
        kind=AccountKind.PARTICIPANT,
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
    organisation = registration_of(pact_id, organisation_id)
    apply_decision(actor, organisation, status, reason)
    return {"organisation": organisation.id, "status": organisation.status}


def apply_decision(
    actor: Person, organisation: Organisation, status: str, reason: str
) -> None:
    """Record the decision on a registration, e-mail its contact (after the
    commit) and audit it: the step that single and bulk decisions share."""
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
        actor.id,
        organisation.pact_id,
        action,
        "organisation",
        organisation.id,
        reason=bool(reason),
    )


def official_of(actor_id: int, pact_id: int) -> Person:
    actor = db.session.get(Person, actor_id)
    if actor is None or not actor.is_official_of(pact_id):
        raise DomainError("forbidden", _("Only the pact's officials can do this."))
    return actor


def registration_of(pact_id: int, organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.pact_id != pact_id:
        raise DomainError("not_found", _("This registration does not exist."))
    return organisation


def _email_person(person: Person, template: str, **context: Any) -> None:
    queue_template_email(
        person.email, person.language, template, person=person, **context
    )


@use_case
def set_preferred_language(person_id: int, language: str) -> dict[str, Any]:
    """Remember the language a person chose: their e-mails and the live board use
    it. Only a supported language is kept."""
    if language not in current_app.config["LANGUAGES"]:
        raise DomainError("invalid", "not a supported language", "language")
    person = db.session.get(Person, person_id)
    if person is None:
        raise DomainError("not_found", "no such person", "person")
    person.language = language
    return {"person": person.id, "language": language}


@use_case
def create_staff(
    email: str,
    name: str,
    role: str,
    password: str,
    pact_slugs: list[str],
    language: str = "",
) -> dict[str, Any]:
    """Create an official or facilitator of the given pacts, or an administrator
    (`role` "admin": creates pacts and invites their staff; official of the pacts
    given, if any). Without a `language` they have chosen none yet: their first
    login keeps the one their pages were shown in (their browser's), as a
    participant's registration does."""
    email = email.strip().lower()
    admin = role == AccountKind.ADMIN
    if role not in STAFF_ROLES and not admin:
        raise DomainError(
            "invalid", "role must be official, facilitator or admin", "role"
        )
    if "@" not in email or not name.strip():
        raise DomainError("invalid", "a valid e-mail and a name are required", "email")
    check_password_length(password, "password")
    # Hashed before the first query: no transaction is open while it waits.
    password_hash = hash_password(password)
    pacts = db.session.scalars(select(Pact).where(Pact.slug.in_(pact_slugs))).all()
    missing = set(pact_slugs) - {pact.slug for pact in pacts}
    if missing:
        raise DomainError("not_found", f"no pact {sorted(missing)[0]!r}", "pact")
    if find_staff(email) is not None:
        raise DomainError("duplicate", f"staff {email} exists", "email")
    if language and language not in current_app.config["LANGUAGES"]:
        raise DomainError("invalid", "not a supported language", "language")
    person = Person(
        email=email,
        name=name.strip(),
        kind=AccountKind.ADMIN if admin else AccountKind.STAFF,
        password_hash=password_hash,
        language=language,
    )
    pact_role = Role.OFFICIAL if admin else role
    person.memberships = [StaffMembership(pact=pact, role=pact_role) for pact in pacts]
    db.session.add(person)
    db.session.flush()
    return {"id": person.id}


def check_password_length(password: str, field: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise DomainError(
            "invalid",
            _("The password needs at least %(num)d characters.", num=PASSWORD_MIN),
            field,
        )


def find_staff(email: str) -> Person | None:
    return db.session.scalar(
        select(Person).where(
            Person.pact_id.is_(None), Person.email == email.strip().lower()
        )
    )


def _staff_credentials(person: Person | None) -> tuple[int, str | None] | None:
    if person is None or not person.active or not person.is_staff:
        return None
    return person.id, person.password_hash


def authenticate_staff(email: str, password: str) -> int | None:
    """The staff member's id when the e-mail and password match an active account.
    An unknown e-mail costs one verify all the same (no enumeration by timing).
    Raises PasswordsBusy when the password pool is full."""
    with unit_of_work():  # a read, ended before the verify waits for its thread
        credentials = _staff_credentials(find_staff(email))
    stored = credentials[1] if credentials else None
    if not verify_password(stored, password) or credentials is None:
        return None
    person_id, password_hash = credentials
    if password_hash and needs_rehash(password_hash):
        _upgrade_hash(person_id, password_hash, hash_password(password))
    return person_id


def change_password(
    person_id: int, current: str, new: str, keep_session: str | None
) -> None:
    """A staff member changes their password: the current one must match. Every
    other session of theirs ends (a copied cookie, a forgotten browser);
    `keep_session` (the token of the session asking) stays."""
    check_password_length(new, "new_password")
    with unit_of_work():
        credentials = _staff_credentials(db.session.get(Person, person_id))
    stored = credentials[1] if credentials else None
    if not verify_password(stored, current) or stored is None:
        raise DomainError(
            "invalid", _("Your current password is not right."), "current_password"
        )
    _replace_password(person_id, stored, hash_password(new), keep_session)


@use_case
def set_staff_password(email: str, password: str) -> dict[str, Any]:
    """An operator sets a staff member's password (`set-password`): every session
    of theirs ends."""
    check_password_length(password, "password")
    password_hash = hash_password(password)  # before the first query
    person = find_staff(email)
    if person is None:
        raise DomainError("not_found", "no staff member with this e-mail", "email")
    person.password_hash = password_hash
    ended = end_other_sessions(person.id, keep=None, reason=PASSWORD_CHANGED)
    return {"id": person.id, "sessions_ended": ended}


@use_case
def _replace_password(
    person_id: int, expected: str, new_hash: str, keep_session: str | None
) -> None:
    """Replace the hash read before (unless it changed meanwhile: then the other
    change stands) and end every other session of the person."""
    person = db.session.get(Person, person_id)
    if person is None or person.password_hash != expected:
        raise DomainError("conflict", _("Your password was changed meanwhile."))
    person.password_hash = new_hash
    end_other_sessions(person_id, keep=keep_session, reason=PASSWORD_CHANGED)


@use_case
def _upgrade_hash(person_id: int, expected: str, new_hash: str) -> None:
    """The same password, hashed with today's cost (at login); nothing if the
    password changed meanwhile."""
    person = db.session.get(Person, person_id)
    if person is not None and person.password_hash == expected:
        person.password_hash = new_hash


def staff_pact(actor: Person, slug: str) -> Pact | None:
    """The pact when the actor is its staff; None otherwise (callers answer 404)."""
    if not actor.is_staff:
        return None
    return next((pact for pact in actor.pacts if pact.slug == slug), None)


def theme_choices(pact: Pact, keep: Iterable[str] = ()) -> list[tuple[str, str]]:
    """(key, label) of the pact's themes offered for new input, in their order: the
    active ones, and the archived ones among `keep` (those an edited object already
    has, which it keeps)."""
    kept = set(keep)
    return [
        (theme.key, theme_label(theme))
        for theme in pact.themes
        if not theme.archived or theme.key in kept
    ]


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
