"""Registrations as spreadsheets: CSV (UTF-8 with BOM, so Excel opens it in the right
encoding) and XLSX, both with formula-like cells neutralised; and the way back,
importing such a file into a pact through the same validation as the public form."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import MultiDict

from core.choices import RegistrationStatus
from core.errors import DomainError
from core.validation import neutralise_cell, restore_cell
from extensions import db
from pacts.services import find_pact
from stakeholders.forms import StakeholderForm
from stakeholders.models import Organisation
from stakeholders.queries import registrations_query
from stakeholders.services import register_organisation, theme_choices

COLUMNS = [
    "organisation_name",
    "kind",
    "size",
    "sector",
    "locality",
    "region",
    "country",
    "registration_number",
    "website",
    "contact_name",
    "contact_position",
    "contact_email",
    "contact_phone",
    "services",
    "themes",
    "motivation",
    "status",
    "registered_at",
    "consent_version",
    "consent_language",
    "consent_given_at",
    "decision_reason",
]
LIST_COLUMNS = ("services", "themes")
LIST_SEPARATOR = ";"


def export_row(organisation: Organisation) -> dict[str, str]:
    contact = organisation.contact
    consent = organisation.consents[0] if organisation.consents else None
    return {
        "organisation_name": organisation.name,
        "kind": organisation.kind,
        "size": organisation.size or "",
        "sector": organisation.sector or "",
        "locality": organisation.locality or "",
        "region": organisation.region or "",
        "country": organisation.country,
        "registration_number": organisation.registration_number or "",
        "website": organisation.website or "",
        "contact_name": contact.name if contact else "",
        "contact_position": contact.position if contact else "",
        "contact_email": contact.email if contact else "",
        "contact_phone": (contact.phone or "") if contact else "",
        "services": LIST_SEPARATOR.join(organisation.service_keys),
        "themes": LIST_SEPARATOR.join(theme.key for theme in organisation.themes),
        "motivation": organisation.motivation,
        "status": organisation.status,
        "registered_at": organisation.created_at.isoformat(),
        "consent_version": consent.version if consent else "",
        "consent_language": consent.language if consent else "",
        "consent_given_at": consent.given_at.isoformat() if consent else "",
        "decision_reason": organisation.decision_reason,
    }


def export_rows(pact_id: int, filters: Mapping[str, str]) -> list[dict[str, str]]:
    """The export rows of a pact's registrations matching the dashboard's filters."""
    organisations = db.session.scalars(registrations_query(pact_id, filters))
    return [export_row(organisation) for organisation in organisations]


def csv_text(rows: Iterable[Mapping[str, object]], columns: Sequence[str]) -> str:
    """CSV with a BOM; text cells a spreadsheet would run as formulas are
    neutralised (numbers are written as they are; None is an empty cell)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                key: neutralise_cell(value) if isinstance(value, str) else value
                for key, value in row.items()
            }
        )
    return "\ufeff" + buffer.getvalue()


def write_csv(
    rows: Iterable[dict[str, str]], columns: Sequence[str] = COLUMNS
) -> bytes:
    return csv_text(rows, columns).encode("utf-8")


def write_xlsx(
    rows: Iterable[dict[str, str]], title: str, columns: Sequence[str] = COLUMNS
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # noqa: S101 - a new workbook always has one sheet
    sheet.title = title[:31]
    sheet.append(list(columns))
    for row in rows:
        # openpyxl stores a string starting with "=" as a formula: neutralise first.
        sheet.append([neutralise_cell(row[column]) for column in columns])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def read_rows(path: Path) -> list[dict[str, str]]:
    """Rows of an exported CSV or XLSX file, formula neutralisation undone."""
    if path.suffix.lower() == ".xlsx":
        sheet = load_workbook(path, read_only=True).active
        if sheet is None:
            return []
        values = [
            ["" if v is None else str(v) for v in row]
            for row in sheet.iter_rows(values_only=True)
        ]
        header, body = (values[0], values[1:]) if values else ([], [])
        raw = [dict(zip(header, row, strict=False)) for row in body]
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            raw = list(csv.DictReader(handle))
    return [
        {key: restore_cell(value or "") for key, value in row.items() if key}
        for row in raw
    ]


def import_stakeholders(pact_slug: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    """Import exported registrations into a pact, each row validated like the public
    form. Rows whose e-mail or registration number the pact already has are skipped."""
    pact = find_pact(pact_slug)
    if pact is None:
        raise DomainError("not_found", f"no pact {pact_slug!r}", "pact")
    pact_id, themes = pact.id, theme_choices(pact)
    result: dict[str, Any] = {"created": 0, "skipped": 0, "errors": []}
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        form = StakeholderForm(
            formdata=_formdata(row), meta={"csrf": False}, theme_choices=themes
        )
        if not form.validate():
            fields = {
                name: [str(e) for e in errors] for name, errors in form.errors.items()
            }
            result["errors"].append({"row": number, "fields": fields})
            continue
        data = form.registration_data() | {
            "registered_at": _when(row.get("registered_at"))
        }
        try:
            register_organisation(
                pact_id, data, _imported_consent(row), status=_status(row), notify=False
            )
        except DomainError as exc:
            if exc.code != "duplicate":
                raise
            result["skipped"] += 1
            continue
        result["created"] += 1
    db.session.remove()
    return result


def _formdata(row: dict[str, str]) -> MultiDict[str, str]:
    data: MultiDict[str, str] = MultiDict()
    for key, value in row.items():
        if key in LIST_COLUMNS:
            for item in value.split(LIST_SEPARATOR):
                if item.strip():
                    data.add(key, item.strip())
        else:
            data.add(key, value)
    return data


def _when(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _status(row: dict[str, str]) -> str:
    status = row.get("status", "")
    return status if status in set(RegistrationStatus) else RegistrationStatus.PENDING


def _imported_consent(row: dict[str, str]) -> dict[str, Any]:
    return {
        "version": row.get("consent_version") or "imported",
        "language": row.get("consent_language") or "en",
        "text": "(consent recorded in the source system; imported)",
        "given_at": _when(row.get("consent_given_at")),
        "ip_address": None,
    }
