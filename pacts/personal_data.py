"""Personal-data rights across the whole journey: `export_person` (everything held
about a person, as one JSON document: the CLI prints it, the person and the pact's
officials download it), `erase_person` (anonymisation: the person, their e-mails and
every quotation of their name, address or phone go; the organisation, its
commitments and signatures, and the boards' history with its `seq` stay) and
`purge_expired` (the retention periods, for cron). Each package contributes its
part (`stakeholders`, `workshops`, `commitments.personal_data`); this one adds the
progress reports and composes them, one unit of work per use case."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, exists, or_, select, update

from commitments.models import Commitment, Signature, commitment_co_signer
from commitments.personal_data import commitments_record
from core.audit import AuditAction, record_staff_action
from core.choices import RegistrationStatus
from core.downloads import rowcount
from core.erasure import ERASED_NAME, identifying_values, scrub_values
from core.errors import DomainError
from core.mail import SENT, OutboxMessage
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from pacts.models import ProgressReport
from stakeholders.models import Organisation, Person
from stakeholders.personal_data import (
    address_shared_beyond,
    anonymise_person,
    delete_emails_to,
    emails_record,
    iso,
    normalised,
    people_with_email,
    person_record,
    registration_record,
)
from stakeholders.services import official_of
from workshops.models import BoardEvent, Card, Comment, Enrolment, Vote
from workshops.personal_data import revoke_join_links, workshops_record

EXPORT_FORMAT = "greenpact-personal-data/1"
# Registrations the retention period and spam deletion may delete.
NEVER_APPROVED = (RegistrationStatus.PENDING, RegistrationStatus.REJECTED)


def export_filename() -> str:
    """The downloaded file's name (the person's and the official's alike)."""
    return f"greenpact-personal-data-{utcnow().date().isoformat()}.json"


# --- export --------------------------------------------------------------------------


def export_person(email: str, pact_id: int | None = None) -> dict[str, Any]:
    """Everything held about the people with this e-mail address (in one pact when
    `pact_id` is given): person, registration and consents, workshop places, what
    they wrote, voted and signed on boards, commitments they lead, progress reports
    and evidence, and the e-mails sent to the address. The e-mails are left out of
    a pact's export when the address is also known outside it (they cannot be told
    apart)."""
    people = people_with_email(email, pact_id)
    shared = pact_id is not None and address_shared_beyond(email, people)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": iso(utcnow()),
        "email": normalised(email),
        "people": [_person_export(person) for person in people],
        "emails": [] if shared or not people else emails_record(email),
        "emails_left_out": shared,
    }


def _person_export(person: Person) -> dict[str, Any]:
    return {
        "person": person_record(person),
        "registration": registration_record(person),
        **workshops_record(person),
        **commitments_record(person),
        "progress_reports": _reports(person.id),
    }


def _reports(person_id: int) -> list[dict[str, Any]]:
    reports = db.session.scalars(
        select(ProgressReport)
        .where(ProgressReport.reported_by_id == person_id)
        .order_by(ProgressReport.id)
    )
    return [
        {
            "commitment": {"id": r.commitment_id, "title": r.commitment.title},
            "reported_on": r.reported_on.isoformat(),
            "value": r.value,
            "narrative": r.narrative,
            "status": r.status,
            "status_reason": r.status_reason,
            "evidence_url": r.evidence_url,
            "evidence_file": r.evidence_name,
            "evidence_stored_as": r.evidence_file,
            "evidence_type": r.evidence_type,
            "created_at": iso(r.created_at),
        }
        for r in reports
    ]


def contact_of_registration(actor_id: int, pact_id: int, organisation_id: int) -> str:
    """The e-mail address of a registration's contact, for an official of its pact
    (DomainError `forbidden` for others, `not_found` for another pact's)."""
    official_of(actor_id, pact_id)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.pact_id != pact_id:
        raise DomainError("not_found", _("This registration does not exist."))
    contact = organisation.contact
    if contact is None:
        raise DomainError("not_found", _("This registration has no contact person."))
    return contact.email


def export_registration(
    actor_id: int, pact_id: int, organisation_id: int
) -> dict[str, Any]:
    """The export of a registration's contact, as an official of the pact sees it:
    only what their own pact holds."""
    email = contact_of_registration(actor_id, pact_id, organisation_id)
    export = export_person(email, pact_id)
    record_staff_action(
        actor_id,
        pact_id,
        AuditAction.PERSONAL_DATA_EXPORT,
        "registration",
        organisation_id,
    )
    return export


# --- erasure -------------------------------------------------------------------------


@use_case
def erase_person(email: str, pact_id: int | None = None) -> dict[str, Any]:
    """Anonymise the people with this address (in one pact when given): see
    `_erase`. Erasing again finds nobody and changes nothing."""
    return _erase(people_with_email(email, pact_id), email)


@use_case
def erase_registration_contact(
    actor_id: int, pact_id: int, organisation_id: int
) -> dict[str, Any]:
    """An official erases a registration's contact person (their pact only)."""
    email = contact_of_registration(actor_id, pact_id, organisation_id)
    erased = _erase(people_with_email(email, pact_id), email)
    record_staff_action(
        actor_id,
        pact_id,
        AuditAction.ERASE,
        "registration",
        organisation_id,
        people=erased["people"],
    )
    return erased


def _erase(people: list[Person], email: str) -> dict[str, Any]:
    """Their person records anonymised (they can never log in, nor be written to),
    join links revoked, the e-mails to the address deleted (unless it is also
    someone else's), and every quotation of their name, address or phone replaced
    in texts and in the boards' events. Nothing else is deleted: the organisation
    keeps its registration, commitments and signatures, and each board its events
    and `seq`."""
    people = [person for person in people if person.erased_at is None]
    if not people:
        return {"people": 0, "emails_deleted": 0, "rows_rewritten": 0}
    values = identifying_values(
        email,
        *(person.email for person in people),
        *(person.name for person in people if person.name != ERASED_NAME),
        *(person.phone for person in people),
    )
    shared = address_shared_beyond(email, people)
    for person in people:
        revoke_join_links(person)
        anonymise_person(person)
        person.memberships = []
    emails_deleted = 0 if shared else delete_emails_to(email)
    db.session.flush()
    changed = scrub_values(values)
    db.session.expire_all()
    return {
        "people": len(people),
        "emails_deleted": emails_deleted,
        "rows_rewritten": sum(changed.values()),
    }


@use_case
def delete_spam_registration(
    actor_id: int, pact_id: int, organisation_id: int
) -> dict[str, Any]:
    """An official deletes a registration as spam (one never approved): its people,
    their e-mails and the organisation go; a person who left a trace others need
    (a walk-in's cards, say) is anonymised instead. Audited without anything
    personal."""
    official_of(actor_id, pact_id)
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.pact_id != pact_id:
        raise DomainError("not_found", _("This registration does not exist."))
    if organisation.status not in NEVER_APPROVED:
        raise DomainError(
            "conflict",
            _("Only a pending or rejected registration can be deleted as spam."),
        )
    people = [p for p in organisation.people if p.erased_at is None]
    # As the retention period does: the people others' records need, and then the
    # organisation they belong to, stay anonymised.
    traced = any(_left_a_trace(person.id) for person in people)
    if traced:
        for person in people:
            _erase([person], person.email)
    else:
        _delete_registration(organisation, people)
    record_staff_action(
        actor_id,
        pact_id,
        AuditAction.DELETE_SPAM,
        "organisation",
        organisation_id,
        people=len(people),
        anonymised=traced,
    )
    return {"deleted": not traced, "anonymised": traced}


# --- retention -----------------------------------------------------------------------


@use_case
def purge_expired(
    registration_days: int, outbox_days: int, now: datetime | None = None
) -> dict[str, int]:
    """Apply the retention periods: registrations never approved and older than
    `registration_days` are deleted, or anonymised when their people left a trace
    that others' records need (a walk-in's cards on a board, a signature); the
    bodies of e-mails delivered more than `outbox_days` ago are blanked. Running it
    again the same day changes nothing."""
    now = now or utcnow()
    deleted = anonymised = 0
    for organisation in _expired_registrations(now - timedelta(registration_days)):
        people = [p for p in organisation.people if p.erased_at is None]
        if any(_left_a_trace(person.id) for person in people):
            for person in people:
                _erase([person], person.email)
            anonymised += 1
        else:
            _delete_registration(organisation, people)
            deleted += 1
    blanked = _blank_delivered_emails(now - timedelta(outbox_days))
    return {
        "registrations_deleted": deleted,
        "registrations_anonymised": anonymised,
        "outbox_bodies_blanked": blanked,
    }


def _expired_registrations(before: datetime) -> list[Organisation]:
    unerased = exists().where(
        Person.organisation_id == Organisation.id, Person.erased_at.is_(None)
    )
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.status.in_(NEVER_APPROVED),
                Organisation.created_at < before,
                or_(
                    unerased, ~exists().where(Person.organisation_id == Organisation.id)
                ),
            )
            .order_by(Organisation.id)
        )
    )


def _left_a_trace(person_id: int) -> bool:
    """Whether other records need the person: what they did on boards, signed,
    led, or reported."""
    traces = (
        select(Card.id).where(Card.author_id == person_id),
        select(Comment.id).where(Comment.author_id == person_id),
        select(Vote.id).where(Vote.person_id == person_id),
        select(BoardEvent.id).where(BoardEvent.actor_id == person_id),
        select(Signature.id).where(Signature.person_id == person_id),
        select(ProgressReport.id).where(ProgressReport.reported_by_id == person_id),
        select(Commitment.id).where(Commitment.created_by_id == person_id),
    )
    return any(db.session.scalar(query.limit(1)) is not None for query in traces)


def _delete_registration(organisation: Organisation, people: list[Person]) -> None:
    for person in people:
        delete_emails_to(person.email)
    # An organisation named in a commitment stays (anonymised people only).
    in_use = db.session.scalar(
        select(Commitment.id)
        .where(Commitment.lead_organisation_id == organisation.id)
        .union(
            select(commitment_co_signer.c.commitment_id).where(
                commitment_co_signer.c.organisation_id == organisation.id
            )
        )
        .limit(1)
    )
    ids = [person.id for person in people]
    db.session.execute(delete(Enrolment).where(Enrolment.person_id.in_(ids)))
    db.session.execute(delete(Person).where(Person.id.in_(ids)))
    if in_use is None:
        db.session.execute(
            delete(Organisation).where(Organisation.id == organisation.id)
        )
    db.session.expire_all()


def _blank_delivered_emails(before: datetime) -> int:
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == SENT,
            OutboxMessage.sent_at < before,
            or_(OutboxMessage.body != "", OutboxMessage.attachment.is_not(None)),
        )
        .values(body="", attachment=None)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result)
