"""Personal-data rights, the stakeholders' part: finding the people an e-mail address
names, what the registration holds about them (person, organisation, consent, the
services it asked for) and the e-mails sent to them, erasing those, and withdrawing
consent. The pacts package composes these with the other packages' parts
(`pacts.personal_data`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from core.choices import RegistrationStatus
from core.downloads import rowcount
from core.erasure import ERASED_NAME
from core.errors import DomainError
from core.mail import OutboxMessage, queue_template_email
from core.models import Pact
from core.session_ends import ERASED, SessionEnd, announce_session_end
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from stakeholders.logins import end_other_sessions
from stakeholders.models import (
    Consent,
    LoginLink,
    Organisation,
    Person,
    ServiceDelivery,
)

# Where an erased person's address points: a domain that never receives mail.
ERASED_DOMAIN = "erased.invalid"


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def normalised(email: str) -> str:
    return email.strip().lower()


def people_with_email(email: str, pact_id: int | None = None) -> list[Person]:
    """Everyone (registration contacts and staff) with this address, in one pact
    when `pact_id` is given."""
    query = select(Person).where(func.lower(Person.email) == normalised(email))
    if pact_id is not None:
        query = query.where(Person.pact_id == pact_id)
    return list(db.session.scalars(query.order_by(Person.id)))


def address_shared_beyond(email: str, people: list[Person]) -> bool:
    """Whether someone besides these people (another pact's registration, a staff
    account) uses the address: its e-mails then are not only theirs."""
    ids = {person.id for person in people}
    return any(other.id not in ids for other in people_with_email(email))


# --- export --------------------------------------------------------------------------


def person_record(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "position": person.position,
        "email": person.email,
        "phone": person.phone,
        "account": person.kind,
        "roles": {m.pact.slug: m.role for m in person.memberships},
        "language": person.language,
        "active": person.active,
        "created_at": iso(person.created_at),
        "erased_at": iso(person.erased_at),
        "pact": _pact(person.pact_id),
        "staff_of_pacts": [pact.slug for pact in person.pacts],
    }


def _pact(pact_id: int | None) -> dict[str, str] | None:
    pact = db.session.get(Pact, pact_id) if pact_id is not None else None
    return {"slug": pact.slug, "title": pact.title} if pact is not None else None


def registration_record(person: Person) -> dict[str, Any] | None:
    """The person's organisation's registration, with the consents they gave and
    the services it asked for and received."""
    organisation = person.organisation
    if organisation is None:
        return None
    return {
        "id": organisation.id,
        "name": organisation.name,
        "kind": organisation.kind,
        "size": organisation.size,
        "sector": organisation.sector,
        "locality": organisation.locality,
        "region": organisation.region,
        "country": organisation.country,
        "registration_number": organisation.registration_number,
        "website": organisation.website,
        "motivation": organisation.motivation,
        "services": organisation.service_keys,
        "themes": [theme.key for theme in organisation.themes],
        "status": organisation.status,
        "decision_reason": organisation.decision_reason,
        "decided_at": iso(organisation.decided_at),
        "registered_at": iso(organisation.created_at),
        "consents": [
            _consent_record(consent)
            for consent in organisation.consents
            if consent.person_id == person.id
        ],
        "service_deliveries": _deliveries(organisation),
    }


def _consent_record(consent: Consent) -> dict[str, Any]:
    return {
        "version": consent.version,
        "language": consent.language,
        "text": consent.text,
        "given_at": iso(consent.given_at),
        "ip_address": consent.ip_address,
        "withdrawn_at": iso(consent.withdrawn_at),
    }


def _deliveries(organisation: Organisation) -> list[dict[str, Any]]:
    deliveries = db.session.scalars(
        select(ServiceDelivery)
        .where(ServiceDelivery.organisation_id == organisation.id)
        .order_by(ServiceDelivery.id)
    )
    return [
        {
            "service": delivery.service,
            "expert_name": delivery.expert_name,
            "status": delivery.status,
            "outcome": delivery.outcome,
            "assigned_at": iso(delivery.assigned_at),
            "delivered_at": iso(delivery.delivered_at),
            "sessions": [
                {"held_on": s.held_on.isoformat(), "minutes": s.minutes}
                for s in delivery.sessions
            ],
        }
        for delivery in deliveries
    ]


def emails_record(email: str) -> list[dict[str, Any]]:
    """The e-mails sent (or waiting) to the address, with the bodies still held."""
    messages = db.session.scalars(
        select(OutboxMessage)
        .where(func.lower(OutboxMessage.recipient) == normalised(email))
        .order_by(OutboxMessage.id)
    )
    return [
        {
            "id": message.id,
            "subject": message.subject,
            "status": message.status,
            "created_at": iso(message.created_at),
            "sent_at": iso(message.sent_at),
            "body": message.body,
            "attachment_name": message.attachment_name,
        }
        for message in messages
    ]


# --- erasure -------------------------------------------------------------------------


def anonymise_person(person: Person) -> None:
    """The person's own row without anything personal; they can never log in or be
    written to again (the row stays: cards, signatures and board events name it)."""
    person.name = ERASED_NAME
    person.position = ""
    person.email = f"erased-{person.id}@{ERASED_DOMAIN}"
    person.phone = None
    person.password_hash = None
    person.active = False
    person.erased_at = person.erased_at or utcnow()
    for consent in db.session.scalars(
        select(Consent).where(Consent.person_id == person.id)
    ):
        consent.ip_address = None
    # Every login session and login link of the person ends with the erasure, in
    # this same unit of work.
    end_other_sessions(person.id, keep=None, reason=ERASED)
    announce_session_end(SessionEnd(person.id, ERASED))
    db.session.execute(delete(LoginLink).where(LoginLink.person_id == person.id))


def delete_emails_to(email: str) -> int:
    """Delete the outbox messages to the address (sent or still waiting)."""
    result = db.session.execute(
        delete(OutboxMessage)
        .where(func.lower(OutboxMessage.recipient) == normalised(email))
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)


# --- consent withdrawal --------------------------------------------------------------


@use_case
def withdraw_consent(person_id: int) -> dict[str, Any]:
    """The person withdraws the consent their registration gave: it is recorded
    (when) on each of their consent records, the registration becomes `withdrawn`
    (officials see it), and from then on nothing is e-mailed to them but the
    confirmation of this withdrawal. Withdrawing again changes nothing."""
    person = db.session.get(Person, person_id)
    if person is None or person.is_staff or person.organisation is None:
        raise DomainError("not_found", _("There is no registration to withdraw."))
    organisation = person.organisation
    if organisation.status == RegistrationStatus.WITHDRAWN:
        return _withdrawal(person)
    # Queued before the registration is marked: afterwards nothing more is sent.
    queue_template_email(
        person.email,
        person.language,
        "consent_withdrawn",
        person=person,
        pact=organisation.pact,
    )
    now = utcnow()
    for consent in db.session.scalars(
        select(Consent).where(Consent.person_id == person.id)
    ):
        consent.withdrawn_at = consent.withdrawn_at or now
    organisation.status = RegistrationStatus.WITHDRAWN
    db.session.flush()
    return _withdrawal(person)


def _withdrawal(person: Person) -> dict[str, Any]:
    moments = db.session.scalars(
        select(Consent.withdrawn_at).where(Consent.person_id == person.id)
    ).all()
    withdrawn = max((moment for moment in moments if moment), default=None)
    return {"person": person.id, "withdrawn_at": iso(withdrawn)}
