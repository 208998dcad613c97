"""Use cases of programme indicators: an official defines the pact's headline
figures (the added-up progress of chosen commitments, or the organisations served
out of those that asked for a service) and removes them. Their current values are
read by pacts.queries.programme_indicators."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from commitments.models import Commitment
from core.audit import AuditAction, record_staff_action
from core.choices import Service
from core.errors import DomainError
from core.transactions import use_case
from extensions import db
from pacts.models import IndicatorSource, ProgrammeIndicator
from stakeholders.services import official_of


@dataclass(frozen=True)
class IndicatorData:
    name: str
    unit: str
    source: str
    commitment_ids: tuple[int, ...] = ()
    service: str | None = None
    target: float | None = None


@use_case
def add_programme_indicator(
    actor_id: int, pact_id: int, data: IndicatorData
) -> dict[str, Any]:
    """A new headline figure of the pact, shown last."""
    official_of(actor_id, pact_id)
    if not data.name.strip():
        raise DomainError("invalid", _("Please name the indicator."), "name")
    if data.target is not None and not (math.isfinite(data.target) and data.target > 0):
        raise DomainError("invalid", _("Please enter a number above zero."), "target")
    commitments = _sources(pact_id, data)
    last = db.session.scalar(
        select(func.max(ProgrammeIndicator.position)).where(
            ProgrammeIndicator.pact_id == pact_id
        )
    )
    indicator = ProgrammeIndicator(
        pact_id=pact_id,
        name=data.name.strip(),
        unit=data.unit.strip(),
        source=data.source,
        service=data.service if data.source == IndicatorSource.SERVICE else None,
        target=data.target,
        position=(last or 0) + 1,
        commitments=commitments,
    )
    db.session.add(indicator)
    db.session.flush()
    record_staff_action(
        actor_id,
        pact_id,
        AuditAction.ADD_INDICATOR,
        "indicator",
        indicator.id,
        source=data.source,
        commitments=sorted(c.id for c in commitments),
    )
    return {"indicator": indicator.id}


def _sources(pact_id: int, data: IndicatorData) -> list[Commitment]:
    """The commitments an indicator adds up (none for a service indicator), all of
    them the pact's; a service indicator names a known service."""
    if data.source == IndicatorSource.SERVICE:
        if data.service not in set(Service):
            raise DomainError("invalid", _("Please choose a service."), "service")
        return []
    if data.source != IndicatorSource.COMMITMENTS:
        raise DomainError("invalid", _("Choose what the indicator counts."), "source")
    ids = set(data.commitment_ids)
    commitments = list(
        db.session.scalars(
            select(Commitment).where(
                Commitment.id.in_(ids), Commitment.pact_id == pact_id
            )
        )
    )
    if not ids or {c.id for c in commitments} != ids:
        raise DomainError(
            "invalid", _("Choose commitments of this pact."), "commitments"
        )
    return commitments


def pact_indicator(pact_id: int, indicator_id: int) -> ProgrammeIndicator:
    indicator = db.session.get(ProgrammeIndicator, indicator_id)
    if indicator is None or indicator.pact_id != pact_id:
        raise DomainError("not_found", _("This indicator does not exist."))
    return indicator


@use_case
def delete_programme_indicator(actor_id: int, indicator_id: int) -> dict[str, Any]:
    """Remove a headline figure (the commitments it added up stay)."""
    indicator = db.session.get(ProgrammeIndicator, indicator_id)
    if indicator is None:
        raise DomainError("not_found", _("This indicator does not exist."))
    official_of(actor_id, indicator.pact_id)
    record_staff_action(
        actor_id,
        indicator.pact_id,
        AuditAction.DELETE_INDICATOR,
        "indicator",
        indicator_id,
    )
    db.session.delete(indicator)
    return {"indicator": indicator_id}
