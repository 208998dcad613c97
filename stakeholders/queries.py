"""Read-side queries of registrations for the officials' dashboard and exports: one
filter definition shared by the list, the charts' context and both export formats."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from core.choices import (
    KIND_LABELS,
    SECTOR_LABELS,
    SERVICE_LABELS,
    SIZE_LABELS,
    STATUS_LABELS,
)
from extensions import db
from stakeholders.models import Consent, Organisation, OrganisationService, Person


def registrations_query(pact_id: int, filters: Mapping[str, str]) -> Select[Any]:
    """Registrations of a pact matching the filters, newest first."""
    query = select(Organisation).where(Organisation.pact_id == pact_id)
    for column in ("status", "kind", "size", "sector"):
        if filters.get(column):
            query = query.where(getattr(Organisation, column) == filters[column])
    if filters.get("service"):
        query = query.where(
            Organisation.id.in_(
                select(OrganisationService.organisation_id).where(
                    OrganisationService.service == filters["service"]
                )
            )
        )
    if filters.get("q"):
        pattern = "%" + _escape_like(filters["q"].lower()) + "%"
        people = select(Person.organisation_id).where(
            or_(
                func.lower(Person.name).like(pattern, escape="\\"),
                func.lower(Person.email).like(pattern, escape="\\"),
            )
        )
        query = query.where(
            or_(
                func.lower(Organisation.name).like(pattern, escape="\\"),
                func.lower(Organisation.locality).like(pattern, escape="\\"),
                func.lower(Organisation.registration_number).like(pattern, escape="\\"),
                Organisation.id.in_(people),
            )
        )
    return query.options(
        selectinload(Organisation.people),
        selectinload(Organisation.services),
        selectinload(Organisation.themes),
        selectinload(Organisation.consents),
    ).order_by(Organisation.created_at.desc(), Organisation.id.desc())


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def registration_counts(pact_id: int) -> dict[str, list[dict[str, Any]]]:
    """Counts by status, kind, size, sector and service, for the dashboard charts."""
    counts: dict[str, list[dict[str, Any]]] = {}
    dimensions: dict[str, tuple[Any, Mapping[Any, Any]]] = {
        "status": (Organisation.status, STATUS_LABELS),
        "kind": (Organisation.kind, KIND_LABELS),
        "size": (Organisation.size, SIZE_LABELS),
        "sector": (Organisation.sector, SECTOR_LABELS),
    }
    for name, (column, labels) in dimensions.items():
        rows = db.session.execute(
            select(column, func.count())
            .where(Organisation.pact_id == pact_id)
            .group_by(column)
        ).all()
        counts[name] = _bars(dict(rows), labels)
    service_rows = db.session.execute(
        select(OrganisationService.service, func.count())
        .join(Organisation, Organisation.id == OrganisationService.organisation_id)
        .where(Organisation.pact_id == pact_id)
        .group_by(OrganisationService.service)
    ).all()
    counts["service"] = _bars(dict(service_rows), SERVICE_LABELS)
    return counts


def _bars(found: Mapping[str, int], labels: Mapping[Any, Any]) -> list[dict[str, Any]]:
    """Every known value in its natural order, with its count (zero included)."""
    return [
        {"key": str(key), "label": str(label), "count": found.get(str(key), 0)}
        for key, label in labels.items()
        if found.get(str(key), 0) or len(labels) <= 6
    ]


def registration_detail(pact_id: int, organisation_id: int) -> Organisation | None:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.pact_id != pact_id:
        return None
    return organisation


def consent_of(organisation: Organisation) -> Consent | None:
    return organisation.consents[0] if organisation.consents else None
