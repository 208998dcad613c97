"""Helpers shared by the service delivery tests: a registration asking for chosen
services, an expert assigned through the use case, and a snapshot of everything the
delivery tables and the outbox hold (to prove a refusal saved nothing)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select

from core.mail import OutboxMessage
from core.pacts import find_pact
from extensions import db
from stakeholders.delivery.services import assign_expert
from stakeholders.models import ServiceDelivery, ServiceSession


def pact_id(slug: str = "ilfov") -> int:
    pact = find_pact(slug)
    assert pact is not None
    return pact.id


def asking(
    make_registration: Callable[..., dict[str, Any]],
    *services: str,
    status: str = "approved",
    pact: str = "ilfov",
    **overrides: Any,
) -> int:
    """A registration of `pact` that asked for `services`; its organisation id."""
    registration = make_registration(
        pact, status=status, services=list(services), **overrides
    )
    return int(registration["organisation"])


def assigned(
    official: int, organisation: int, service: str = "mentoring", pact: str = "ilfov"
) -> int:
    """The delivery id after assigning an expert through the use case."""
    result = assign_expert(
        official, pact_id(pact), organisation, service, "Ana Ionescu", "ana@expert.ro"
    )
    return int(result["delivery"])


def load_delivery(delivery_id: int) -> ServiceDelivery:
    db.session.expire_all()
    delivery = db.session.get(ServiceDelivery, delivery_id)
    assert delivery is not None
    return delivery


def snapshot() -> tuple[Any, ...]:
    """Everything a refused request must leave untouched."""
    db.session.expire_all()
    deliveries = db.session.execute(
        select(
            ServiceDelivery.id,
            ServiceDelivery.expert_name,
            ServiceDelivery.expert_email,
            ServiceDelivery.status,
            ServiceDelivery.outcome,
            ServiceDelivery.campaign_launched,
            ServiceDelivery.amount_raised,
            ServiceDelivery.delivered_at,
        ).order_by(ServiceDelivery.id)
    ).all()
    sessions = db.session.scalar(select(func.count(ServiceSession.id)))
    messages = db.session.scalar(select(func.count(OutboxMessage.id)))
    return (tuple(deliveries), sessions, messages)
