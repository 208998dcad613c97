"""A published pact as documents: the printable PDF (WeasyPrint, from
templates/pacts/pact_pdf.html and static/css/pact_print.css) and the open data (JSON
described by static/open-data/commitments.schema.json, and CSV). Every renderer starts
from `pact_overview`, so the public page, the PDF and the open data show the same
commitments with the same values."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, render_template

from core.choices import COMMITMENT_STATUS_LABELS
from core.links import public_url
from core.models import PACT_TEXT_FIELDS, Pact, current_language
from core.pacts import theme_label
from core.pdf import render_pdf
from core.spreadsheets import csv_text
from core.time import utcnow
from pacts.living import change_log
from pacts.queries import commitment_chart, pact_overview, published_commitments

SCHEMA_PATH = "/open-data/commitments.schema.json"
# The columns of commitments.csv: one row per commitment of the published pact.
COMMITMENT_COLUMNS = [
    "id",
    "url",
    "title",
    "action",
    "theme_key",
    "theme_name",
    "lead_id",
    "lead_name",
    "co_signers",
    "indicator_name",
    "unit",
    "baseline",
    "target",
    "deadline",
    "status",
    "joined_on",
    "latest_date",
    "latest_value",
    "latest_verification",
    "progress_percent",
    "support_requested",
    "support_promised",
    "licence",
    "language",
]
# The columns of progress.csv: one row per progress report.
PROGRESS_COLUMNS = [
    "report_id",
    "commitment_id",
    "date",
    "value",
    "status",
    "narrative",
    "evidence_url",
    "verification",
    "verified_at",
    "supersedes",
]
# Co-signers' names in one CSV cell.
NAME_SEPARATOR = "; "


# --- PDF -----------------------------------------------------------------------------


def pact_pdf(pact: Pact) -> bytes:
    """The pact document as a PDF, in the current language: a cover, contents, the
    headline figures and programme indicators, introduction, governance, one
    section per theme (each commitment with its progress bar and chart), the
    signatories."""
    return render_pdf(pact_html(pact))


def cached_pact_pdf(pact: Pact) -> tuple[bytes, str]:
    """The PDF in the current language and its ETag. Rendering a large pact takes
    seconds of CPU, and every visitor gets the same document until something in it
    changes: it is kept in DOCUMENT_CACHE_FOLDER under its language and the digest
    of its HTML, so a change of any word renders it anew (and the old file of the
    pact in that language is removed)."""
    html = pact_html(pact)
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32]
    folder = str(current_app.config["DOCUMENT_CACHE_FOLDER"])
    if not folder:
        return render_pdf(html), digest
    cache = Path(folder)
    name = f"pact-{pact.slug}-{current_language() or 'en'}"
    path = cache / f"{name}-{digest}.pdf"
    if path.exists():
        return path.read_bytes(), digest
    pdf = render_pdf(html)
    cache.mkdir(parents=True, exist_ok=True)
    for stale in cache.glob(f"{name}-*.pdf"):
        stale.unlink(missing_ok=True)
    partial = path.with_suffix(f".{secrets.token_hex(4)}.part")
    partial.write_bytes(pdf)
    partial.replace(path)  # atomic: a reader never sees half a file
    return pdf, digest


def pact_html(pact: Pact) -> str:
    overview = pact_overview(pact)
    return render_template(
        "pacts/pact_pdf.html",
        **overview,
        charts={c.id: commitment_chart(c) for c in published_commitments(pact.id)},
        published_on=_published_on(overview["pact"]["published_at"], pact.timezone),
        as_date=date.fromisoformat,
        status_labels=COMMITMENT_STATUS_LABELS,
    )


def _published_on(published_at: str | None, timezone: str) -> date | None:
    """The publication's calendar day in the pact's timezone."""
    if published_at is None:
        return None
    return datetime.fromisoformat(published_at).astimezone(ZoneInfo(timezone)).date()


# --- open data -----------------------------------------------------------------------


def schema_url() -> str:
    return f"{public_url()}{SCHEMA_PATH}"


def commitment_url(slug: str, commitment_id: int) -> str:
    """The public page of a commitment (its stable address)."""
    return f"{public_url()}/p/{slug}/commitments/{commitment_id}"


def open_data_overview(pact: Pact) -> dict[str, Any]:
    """The overview in the pact's default language (its texts and theme names),
    whoever asks: the same URL always gives the same data."""
    return pact_overview(pact, pact.default_language)


def pact_texts(pact: Pact) -> dict[str, dict[str, str]]:
    """The pact's title, introduction and governance by language: only those given
    in each language (a text not given there is read in the default language)."""
    texts: dict[str, dict[str, str]] = {}
    for language in pact.language_list:
        given = {
            field: text
            for field in PACT_TEXT_FIELDS
            if (text := pact.given_text(field, language)) is not None
        }
        if given:
            texts[language] = given
    return texts


def theme_names(pact: Pact) -> dict[str, dict[str, str]]:
    """Each theme's name in each of the pact's languages, by theme key."""
    return {
        theme.key: {
            language: theme_label(theme, language) for language in pact.language_list
        }
        for theme in pact.themes
    }


def commitments_json(pact: Pact) -> dict[str, Any]:
    """The published commitments as JSON (see commitments.schema.json): the texts
    in the pact's default language, each saying which language it is in, with the
    pact's texts and theme names in its other languages beside them."""
    overview = open_data_overview(pact)
    language = pact.default_language
    names = theme_names(pact)
    return {
        "schema": schema_url(),
        "licence": overview["pact"]["licence"],
        "publisher": overview["pact"]["authority"],
        "pact": overview["pact"]
        | {
            "url": f"{public_url()}/p/{pact.slug}",
            "language": language,
            "languages": pact.language_list,
            "texts": pact_texts(pact),
        },
        "generated_at": utcnow().isoformat(),
        "commitments": [
            record
            | {
                "url": commitment_url(pact.slug, record["id"]),
                "theme": record["theme"]
                | {"language": language, "names": names[record["theme"]["key"]]},
            }
            for record in overview["commitments"]
        ],
        "changes": open_change_log(pact),
    }


def open_change_log(pact: Pact) -> list[dict[str, Any]]:
    """The pact's change log as open data, newest first."""
    return [
        {
            "at": change["at"].isoformat(),
            "kind": change["kind"],
            "commitment": None
            if change["commitment"] is None
            else change["commitment"]
            | {"url": commitment_url(pact.slug, change["commitment"]["id"])},
            "reason": change["reason"],
            "commitments": change["commitments"],
            "fields": change["fields"],
        }
        for change in change_log(pact)
    ]


def _number(value: float | None) -> float | int | None:
    """A number as a spreadsheet reads it: 12 rather than 12.0."""
    if value is not None and value.is_integer():
        return int(value)
    return value


def commitment_row(
    record: dict[str, Any], url: str, licence: str, language: str
) -> dict[str, object]:
    latest = record["latest"] or {}
    indicator = record["indicator"]
    return {
        "id": record["id"],
        "url": url,
        "title": record["title"],
        "action": record["action"],
        "theme_key": record["theme"]["key"],
        "theme_name": record["theme"]["name"],
        "lead_id": record["lead"]["id"],
        "lead_name": record["lead"]["name"],
        "co_signers": NAME_SEPARATOR.join(org["name"] for org in record["co_signers"]),
        "indicator_name": indicator["name"],
        "unit": indicator["unit"],
        "baseline": _number(indicator["baseline"]),
        "target": _number(indicator["target"]),
        "deadline": record["deadline"],
        "status": record["status"],
        "joined_on": record["joined_on"],
        "latest_date": latest.get("date"),
        "latest_value": _number(latest.get("value")),
        "latest_verification": latest.get("verification"),
        "progress_percent": record["progress_percent"],
        "support_requested": record["support_requested"],
        "support_promised": record["support_promised"],
        "licence": licence,
        "language": language,
    }


def commitments_csv(pact: Pact) -> str:
    """One row per published commitment (UTF-8 with BOM, formulas neutralised)."""
    records = open_data_overview(pact)["commitments"]
    rows = (
        commitment_row(
            r, commitment_url(pact.slug, r["id"]), pact.licence, pact.default_language
        )
        for r in records
    )
    return csv_text(rows, COMMITMENT_COLUMNS)


def progress_csv(pact: Pact) -> str:
    """One row per progress report on a published commitment."""
    records = open_data_overview(pact)["commitments"]
    rows = (
        {
            "report_id": report["id"],
            "commitment_id": record["id"],
            "date": report["date"],
            "value": _number(report["value"]),
            "status": report["status"],
            "narrative": report["narrative"],
            "evidence_url": report["evidence_url"],
            "verification": report["verification"],
            "verified_at": report["verified_at"],
            "supersedes": report["supersedes"],
        }
        for record in records
        for report in record["reports"]
    )
    return csv_text(rows, PROGRESS_COLUMNS)
