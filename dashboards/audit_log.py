"""Read side of the audit log for a pact's officials: one filter definition (action,
staff member, days in the pact's timezone) shared by the page and its exports, the
staff members to filter by, the CSV's rows (codes, ISO times) and the workbook for
spreadsheets (labels in the official's language, times as dates in the pact's
timezone)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from core.audit import AUDIT_ACTION_LABELS, AuditEntry
from core.models import Pact
from core.workbooks import Sheet, date_format
from extensions import db
from stakeholders.models import Person

AUDIT_COLUMNS = [
    "at",
    "actor_id",
    "actor",
    "action",
    "subject_type",
    "subject_id",
    "details",
]

SHEET_HEADER = [
    _l("When"),
    _l("Staff member"),
    _l("Action"),
    _l("Subject"),
    _l("Subject number"),
    _l("Details"),
]

SUBJECT_LABELS: dict[str, Any] = {
    "organisation": _l("Registration"),
    "service_request": _l("Service request"),
    "workshop": _l("Workshop"),
    "enrolment": _l("Place in a workshop"),
    "commitment": _l("Commitment"),
    "pact": _l("Pact"),
    "indicator": _l("Programme indicator"),
    "person": _l("Person"),
    "progress_report": _l("Progress report"),
}


def audit_query(pact: Pact, filters: Mapping[str, str]) -> Select[Any]:
    """The pact's entries matching the filters, newest first."""
    query = select(AuditEntry).where(AuditEntry.pact_id == pact.id)
    if filters.get("action"):
        query = query.where(AuditEntry.action == filters["action"])
    if filters.get("actor", "").isdigit():
        query = query.where(AuditEntry.actor_id == int(filters["actor"]))
    zone = ZoneInfo(pact.timezone)
    if filters.get("since"):
        query = query.where(AuditEntry.at >= _start_of(filters["since"], zone))
    if filters.get("until"):
        next_day = date.fromisoformat(filters["until"]) + timedelta(days=1)
        query = query.where(AuditEntry.at < _start_of(next_day.isoformat(), zone))
    return query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())


def _start_of(day: str, zone: ZoneInfo) -> datetime:
    """Midnight of the day (YYYY-MM-DD) in the pact's timezone."""
    return datetime.combine(date.fromisoformat(day), time(), tzinfo=zone)


def actor_names(actor_ids: Iterable[int]) -> dict[int, str]:
    """The names of the people with these ids (an erased person has none left)."""
    ids = set(actor_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(Person.id, Person.name).where(Person.id.in_(ids)))
    return {person_id: name for person_id, name in rows}


def audit_actors(pact: Pact) -> list[tuple[int, str]]:
    """(id, name) of everyone with an entry in the pact's log, by name."""
    ids = db.session.scalars(
        select(AuditEntry.actor_id).where(AuditEntry.pact_id == pact.id).distinct()
    )
    names = actor_names(ids)
    return sorted(names.items(), key=lambda item: (item[1].lower(), item[0]))


def audit_rows(pact: Pact, filters: Mapping[str, str]) -> list[dict[str, object]]:
    """The export's rows: times in the pact's timezone (ISO 8601, with the offset),
    details as JSON."""
    entries = list(db.session.scalars(audit_query(pact, filters)))
    names = actor_names(entry.actor_id for entry in entries)
    zone = ZoneInfo(pact.timezone)
    return [
        {
            "at": entry.at.astimezone(zone).isoformat(timespec="seconds"),
            "actor_id": entry.actor_id,
            "actor": names.get(entry.actor_id, ""),
            "action": entry.action,
            "subject_type": entry.subject_type,
            "subject_id": entry.subject_id,
            "details": json.dumps(entry.details, sort_keys=True),
        }
        for entry in entries
    ]


def audit_sheet(pact: Pact, filters: Mapping[str, str]) -> Sheet:
    """The entries matching the filters, newest first, for a spreadsheet."""
    entries = list(db.session.scalars(audit_query(pact, filters)))
    names = actor_names(entry.actor_id for entry in entries)
    return Sheet(
        title=_("Audit log"),
        header=[str(label) for label in SHEET_HEADER],
        rows=[
            [
                entry.at,
                names.get(entry.actor_id),
                str(AUDIT_ACTION_LABELS.get(entry.action, entry.action)),
                str(SUBJECT_LABELS.get(entry.subject_type, entry.subject_type)),
                entry.subject_id,
                _details(entry.details),
            ]
            for entry in entries
        ],
        timezone=pact.timezone,
        date_format=date_format(),
    )


def _details(details: Mapping[str, Any]) -> str | None:
    """As the page shows them: one `key: value` a line, lists joined by commas."""
    lines = [
        f"{key}: {', '.join(map(str, value)) if isinstance(value, list) else value}"
        for key, value in sorted(details.items())
    ]
    return "\n".join(lines) or None
