"""Registrations as a workbook for the officials' spreadsheets: one row per
registration matching the dashboard's filters, every code (kind, size, sector,
services, themes, status, country, language) as its label in the official's language
and every moment as a date and time in the pact's timezone. The CSV beside it
(stakeholders.exports) keeps the codes, for re-import and other programs."""

from __future__ import annotations

from collections.abc import Mapping

from babel import Locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.choices import (
    KIND_LABELS,
    SECTOR_LABELS,
    SERVICE_LABELS,
    SIZE_LABELS,
    STATUS_LABELS,
)
from core.models import Pact, current_language
from core.pacts import theme_label
from core.workbooks import Sheet, Value, date_format, labelled, listed, yes_no
from extensions import db
from stakeholders.models import Organisation
from stakeholders.queries import registrations_query

HEADER = [
    _l("Organisation"),
    _l("Kind"),
    _l("Size"),
    _l("Sector"),
    _l("Locality"),
    _l("County / region"),
    _l("Country"),
    _l("Registration number"),
    _l("Website"),
    _l("Contact person"),
    _l("Position"),
    _l("E-mail"),
    _l("Phone"),
    _l("Services wanted"),
    _l("Themes"),
    _l("Motivation"),
    _l("Status"),
    _l("Registered"),
    _l("Decided on"),
    _l("Reason"),
    _l("Consent version"),
    _l("Consent language"),
    _l("Consent given on"),
    _l("Consent withdrawn"),
]


def registrations_sheet(pact: Pact, filters: Mapping[str, str]) -> Sheet:
    """The pact's registrations matching the filters, newest first, as a sheet."""
    locale = Locale.parse(current_language() or "en")
    organisations = db.session.scalars(registrations_query(pact.id, filters))
    return Sheet(
        title=_("Registrations"),
        header=[str(label) for label in HEADER],
        rows=[_row(organisation, locale) for organisation in organisations],
        timezone=pact.timezone,
        date_format=date_format(),
    )


def _row(organisation: Organisation, locale: Locale) -> list[Value]:
    contact = organisation.contact
    consent = organisation.consents[0] if organisation.consents else None
    return [
        organisation.name,
        labelled(KIND_LABELS, organisation.kind),
        labelled(SIZE_LABELS, organisation.size),
        labelled(SECTOR_LABELS, organisation.sector),
        organisation.locality,
        organisation.region,
        locale.territories.get(organisation.country, organisation.country),
        organisation.registration_number,
        organisation.website,
        contact.name if contact else None,
        (contact.position or None) if contact else None,
        contact.email if contact else None,
        contact.phone if contact else None,
        listed(
            [labelled(SERVICE_LABELS, key) or key for key in organisation.service_keys]
        ),
        listed([theme_label(theme) for theme in organisation.themes]),
        organisation.motivation or None,
        labelled(STATUS_LABELS, organisation.status),
        organisation.created_at,
        organisation.decided_at,
        organisation.decision_reason or None,
        consent.version if consent else None,
        locale.languages.get(consent.language, consent.language) if consent else None,
        consent.given_at if consent else None,
        yes_no(consent.withdrawn_at is not None) if consent else None,
    ]
