"""Registrations as spreadsheets: the export's columns and rows (written by
core.spreadsheets), and the way back, importing such a file into a pact through the
same validation as the public form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from werkzeug.datastructures import MultiDict

from core.choices import RegistrationStatus
from core.errors import DomainError
from core.pacts import find_pact
from extensions import db
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
# The consent an imported registration gave, as its record says.
IMPORTED_CONSENT_TEXT = "(consent recorded in the source system; imported)"
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
            "registered_at": imported_moment(row.get("registered_at"))
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


def imported_moment(value: str | None) -> datetime | None:
    """An imported ISO date and time (UTC when it names no zone), else None."""
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
        "text": IMPORTED_CONSENT_TEXT,
        "given_at": imported_moment(row.get("consent_given_at")),
        "ip_address": None,
    }
