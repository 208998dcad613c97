"""Delivery of the services organisations ask for when they register (mentoring,
crowdfunding campaign support, EU-funding guidance, green and digital solutions): an
official of the pact assigns an expert (the organisation's contact is told by e-mail,
in their language), logs the sessions held and records the outcome (for a crowdfunding
campaign: launched or not, and the amount raised). The read side lists a pact's
requests per service with their delivery state and counts the organisations served
out of those that asked, as the programme indicators do."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, and_, func, select
from sqlalchemy.exc import IntegrityError

from core.audit import AuditAction, record_staff_action
from core.choices import EMAIL_MAX, SERVICE_LABELS, SHORT_TEXT_MAX, RegistrationStatus
from core.choices import Service as ServiceKey
from core.errors import DomainError
from core.mail import queue_template_email
from core.time import today_in, utcnow
from core.transactions import use_case
from extensions import db
from stakeholders.models import (
    DeliveryStatus,
    Organisation,
    OrganisationService,
    ServiceDelivery,
    ServiceSession,
)
from stakeholders.queries import registration_detail
from stakeholders.services import official_of

# The services an expert delivers (taking part in the pact's workshops is tracked by
# the workshops' attendance instead).
DELIVERED_SERVICES = (
    ServiceKey.MENTORING,
    ServiceKey.CROWDFUNDING,
    ServiceKey.EU_FUNDING,
    ServiceKey.GREEN_DIGITAL,
)
SESSION_MINUTES_MIN = 1
SESSION_MINUTES_MAX = 600
NOTES_MAX = 2000
OUTCOME_MAX = 2000
AMOUNT_MAX = 1_000_000_000
# The status filter's value for a request no expert is assigned to yet.
UNASSIGNED = "unassigned"


# --- use cases ---------------------------------------------------------------------


@use_case
def assign_expert(
    actor_id: int,
    pact_id: int,
    organisation_id: int,
    service: str,
    expert_name: str,
    expert_email: str | None,
) -> dict[str, Any]:
    """Assign (or change) the expert who delivers `service` to an approved
    organisation of the pact that asked for it; its contact is told by e-mail when
    the expert changes."""
    actor = official_of(actor_id, pact_id)
    organisation = _requester(pact_id, organisation_id, service)
    name, email = _expert(expert_name, expert_email)
    delivery = _delivery_for(organisation.id, service)
    if delivery is None:
        delivery = ServiceDelivery(organisation=organisation, service=service)
        db.session.add(delivery)
    changed = (delivery.expert_name, delivery.expert_email) != (name, email)
    if changed:
        delivery.expert_name = name
        delivery.expert_email = email
        delivery.assigned_by_id = actor.id
        delivery.assigned_at = utcnow()
        _flush_assignment()
        _tell_contact(organisation, delivery)
        _record(actor.id, delivery, AuditAction.ASSIGN_EXPERT)
    return {"delivery": delivery.id, "changed": changed}


@use_case
def log_session(
    actor_id: int, delivery_id: int, held_on: date, minutes: int, notes: str
) -> dict[str, Any]:
    """Record a session held with the organisation; the first one starts the
    delivery."""
    delivery = _delivery(delivery_id)
    actor = official_of(actor_id, delivery.organisation.pact_id)
    if delivery.status == DeliveryStatus.CANCELLED:
        raise DomainError("conflict", _("This service was cancelled."))
    if held_on > today_in(delivery.organisation.pact):
        raise DomainError("invalid", _("The date cannot be in the future."), "held_on")
    if not SESSION_MINUTES_MIN <= minutes <= SESSION_MINUTES_MAX:
        raise DomainError(
            "invalid",
            _(
                "Please enter a number from %(min)d to %(max)d.",
                min=SESSION_MINUTES_MIN,
                max=SESSION_MINUTES_MAX,
            ),
            "minutes",
        )
    _check_length(notes, NOTES_MAX, "notes")
    session = ServiceSession(
        delivery=delivery,
        held_on=held_on,
        minutes=minutes,
        notes=notes,
        logged_by_id=actor.id,
    )
    db.session.add(session)
    if delivery.status == DeliveryStatus.ASSIGNED:
        delivery.status = DeliveryStatus.IN_PROGRESS
    db.session.flush()
    _record(actor.id, delivery, AuditAction.LOG_SESSION, session=session.id)
    return {"session": session.id, "status": delivery.status}


@use_case
def record_outcome(
    actor_id: int,
    delivery_id: int,
    status: str,
    outcome: str,
    campaign_launched: bool | None,
    amount_raised: float | None,
) -> dict[str, Any]:
    """Record where a delivery stands and what came of it; a crowdfunding campaign
    also says whether it was launched and how much it raised. Delivered services
    count towards the pact's service indicators from the moment they are marked so."""
    delivery = _delivery(delivery_id)
    actor = official_of(actor_id, delivery.organisation.pact_id)
    if status not in set(DeliveryStatus):
        raise DomainError("invalid", _("Unknown status."), "status")
    _check_length(outcome, OUTCOME_MAX, "outcome")
    _check_campaign(delivery.service, campaign_launched, amount_raised)
    delivery.status = status
    delivery.outcome = outcome
    delivery.campaign_launched = campaign_launched
    delivery.amount_raised = amount_raised
    delivery.delivered_at = (
        (delivery.delivered_at or utcnow())
        if status == DeliveryStatus.DELIVERED
        else None
    )
    _record(actor.id, delivery, AuditAction.RECORD_OUTCOME, status=status)
    return {"delivery": delivery.id, "status": delivery.status}


def _record(
    actor_id: int, delivery: ServiceDelivery, action: AuditAction, **details: Any
) -> None:
    """The audit entry of an official's action on a service request (its subject:
    the organisation's request for the service)."""
    organisation = delivery.organisation
    record_staff_action(
        actor_id,
        organisation.pact_id,
        action,
        "service_request",
        organisation.id,
        service=str(delivery.service),
        delivery=delivery.id,
        **details,
    )


def _requester(pact_id: int, organisation_id: int, service: str) -> Organisation:
    """The organisation, when it is the pact's, approved, and asked for `service`."""
    if service not in DELIVERED_SERVICES:
        raise DomainError("invalid", _("Unknown service."), "service")
    organisation = registration_detail(pact_id, organisation_id)
    if organisation is None:
        raise DomainError("not_found", _("This registration does not exist."))
    if organisation.status != RegistrationStatus.APPROVED:
        raise DomainError(
            "conflict", _("Only approved registrations receive the pact's services.")
        )
    if service not in organisation.service_keys:
        raise DomainError(
            "conflict", _("This organisation did not ask for this service.")
        )
    return organisation


def _expert(name: str, email: str | None) -> tuple[str, str | None]:
    name = name.strip()
    email = (email or "").strip().lower() or None
    if not name:
        raise DomainError("invalid", _("This field is required."), "expert_name")
    _check_length(name, SHORT_TEXT_MAX, "expert_name")
    if email is not None:
        _check_length(email, EMAIL_MAX, "expert_email")
        if "@" not in email:
            raise DomainError(
                "invalid", _("Please enter a valid e-mail address."), "expert_email"
            )
    return name, email


def _check_length(text: str, limit: int, field: str) -> None:
    if len(text) > limit:
        raise DomainError(
            "invalid",
            _("Please use at most %(max)d characters.", max=limit),
            field,
        )


def _check_campaign(service: str, launched: bool | None, amount: float | None) -> None:
    if service != ServiceKey.CROWDFUNDING:
        if launched is not None or amount is not None:
            raise DomainError(
                "invalid",
                _("Only a crowdfunding campaign is launched and raises an amount."),
                "amount_raised",
            )
        return
    if amount is None:
        return
    if not math.isfinite(amount) or not 0 <= amount <= AMOUNT_MAX:
        raise DomainError(
            "invalid",
            _("Please enter an amount from 0 to %(max)d.", max=AMOUNT_MAX),
            "amount_raised",
        )
    if amount > 0 and launched is False:
        raise DomainError(
            "invalid",
            _("A campaign that was not launched raised nothing."),
            "amount_raised",
        )


def _delivery(delivery_id: int) -> ServiceDelivery:
    delivery = db.session.get(ServiceDelivery, delivery_id)
    if delivery is None:
        raise DomainError("not_found", _("This service delivery does not exist."))
    return delivery


def _delivery_for(organisation_id: int, service: str) -> ServiceDelivery | None:
    return db.session.scalar(
        select(ServiceDelivery).where(
            ServiceDelivery.organisation_id == organisation_id,
            ServiceDelivery.service == service,
        )
    )


def _flush_assignment() -> None:
    try:
        db.session.flush()
    except IntegrityError:
        # Another official assigned an expert to the same request at the same time.
        raise DomainError(
            "conflict",
            _("An expert was assigned meanwhile; please look again and retry."),
        ) from None


def _tell_contact(organisation: Organisation, delivery: ServiceDelivery) -> None:
    contact = organisation.contact
    if contact is None:
        return
    queue_template_email(
        contact.email,
        contact.language,
        "service_assigned",
        person=contact,
        organisation=organisation,
        pact=organisation.pact,
        service=SERVICE_LABELS[ServiceKey(delivery.service)],
        delivery=delivery,
    )


# --- read side ---------------------------------------------------------------------


def service_requests(pact_id: int, filters: dict[str, str]) -> list[dict[str, Any]]:
    """The pact's requests per service (`service` filter: one of them), each with
    the organisations that asked (approved ones; `status` filter: a DeliveryStatus
    or UNASSIGNED) and their delivery state, and the service's headline counts."""
    wanted = filters.get("service")
    services = [s for s in DELIVERED_SERVICES if not wanted or s == wanted]
    rows = db.session.execute(_requests_query(pact_id, services, filters.get("status")))
    by_service: dict[str, list[dict[str, Any]]] = {s: [] for s in services}
    for service, organisation_id, name, delivery, sessions in rows:
        by_service[service].append(
            _request_row(organisation_id, name, delivery, sessions)
        )
    counts = delivery_counts(pact_id)
    return [
        {
            "service": str(service),
            "delivered": counts[service][0],
            "asked": counts[service][1],
            "requests": by_service[service],
        }
        for service in services
    ]


def _requests_query(
    pact_id: int, services: list[ServiceKey], status: str | None
) -> Select[str, int, str, ServiceDelivery, Any]:
    """(service, organisation id and name, delivery or None, sessions held) of each
    request."""
    sessions = (
        select(ServiceSession.delivery_id, func.count().label("held"))
        .group_by(ServiceSession.delivery_id)
        .subquery()
    )
    query = (
        select(
            OrganisationService.service,
            Organisation.id,
            Organisation.name,
            ServiceDelivery,
            func.coalesce(sessions.c.held, 0),
        )
        .select_from(OrganisationService)
        .join(Organisation, Organisation.id == OrganisationService.organisation_id)
        .outerjoin(
            ServiceDelivery,
            and_(
                ServiceDelivery.organisation_id == Organisation.id,
                ServiceDelivery.service == OrganisationService.service,
            ),
        )
        .outerjoin(sessions, sessions.c.delivery_id == ServiceDelivery.id)
        .where(
            Organisation.pact_id == pact_id,
            Organisation.status == RegistrationStatus.APPROVED,
            OrganisationService.service.in_([str(s) for s in services]),
        )
        .order_by(func.lower(Organisation.name), Organisation.id)
    )
    if status == UNASSIGNED:
        query = query.where(ServiceDelivery.id.is_(None))
    elif status:
        query = query.where(ServiceDelivery.status == status)
    return query


def _request_row(
    organisation_id: int, name: str, delivery: ServiceDelivery | None, sessions: int
) -> dict[str, Any]:
    row: dict[str, Any] = {
        "organisation_id": organisation_id,
        "organisation": name,
        "status": UNASSIGNED,
        "sessions": int(sessions),
        "expert_name": None,
        "expert_email": None,
        "outcome": "",
        "campaign_launched": None,
        "amount_raised": None,
    }
    if delivery is not None:
        row.update(
            status=delivery.status,
            expert_name=delivery.expert_name,
            expert_email=delivery.expert_email,
            outcome=delivery.outcome,
            campaign_launched=delivery.campaign_launched,
            amount_raised=delivery.amount_raised,
        )
    return row


def delivery_counts(pact_id: int) -> dict[str, tuple[int, int]]:
    """(delivered, asked) per service, as the programme indicators count them."""
    return {str(s): service_counts(pact_id, s) for s in DELIVERED_SERVICES}


def service_request(
    pact_id: int, organisation_id: int, service: str
) -> dict[str, Any] | None:
    """One organisation's request for a service (any registration status), with its
    delivery when an expert is assigned; None when the pact has no such request."""
    organisation = registration_detail(pact_id, organisation_id)
    if (
        organisation is None
        or service not in DELIVERED_SERVICES
        or service not in organisation.service_keys
    ):
        return None
    return {
        "organisation": organisation,
        "service": service,
        "delivery": _delivery_for(organisation.id, service),
    }


def service_counts(pact_id: int, service: str) -> tuple[int, int]:
    """(organisations that received the service, approved organisations that asked
    for it)."""
    asked = select(OrganisationService.organisation_id).where(
        OrganisationService.service == service
    )
    approved = (Organisation.pact_id == pact_id) & (
        Organisation.status == RegistrationStatus.APPROVED
    )
    asked_count = db.session.scalar(
        select(func.count(Organisation.id)).where(approved, Organisation.id.in_(asked))
    )
    delivered = db.session.scalar(
        select(func.count(ServiceDelivery.id))
        .join(Organisation, Organisation.id == ServiceDelivery.organisation_id)
        .where(
            approved,
            ServiceDelivery.service == service,
            ServiceDelivery.status == DeliveryStatus.DELIVERED,
        )
    )
    return int(delivered or 0), int(asked_count or 0)
