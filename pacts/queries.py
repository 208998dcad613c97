"""Read side of a pact: its commitments as the public page, the PDF and the open data
show them (one record builder, so all three always agree), the headline figures per
theme and for the whole pact, the programme indicators, and the commitments one
organisation is party to (its people's "My commitments")."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import force_locale
from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from commitments.models import (
    PACT_STATUSES,
    Commitment,
    CommitmentRevision,
    commitment_co_signer,
)
from commitments.operations import parties
from core.choices import CommitmentStatus
from core.models import Pact, Theme
from core.pacts import theme_label
from extensions import db
from pacts.charts import progress_line
from pacts.models import IndicatorSource, ProgrammeIndicator, ProgressReport
from pacts.monitoring import REPORTABLE, due_date
from pacts.progress import (
    IndicatorPart,
    count_buckets,
    indicator_total,
    percent_of_way,
)
from pacts.verification import Verification, counts, verified_share
from stakeholders.delivery.services import service_counts
from stakeholders.models import (
    Organisation,
)


def _ordered(query: Select[Any]) -> Select[Any]:
    return (
        query.join(Theme, Theme.id == Commitment.theme_id)
        .options(
            selectinload(Commitment.theme),
            selectinload(Commitment.lead_organisation),
            selectinload(Commitment.co_signers),
            selectinload(Commitment.signatures),
            selectinload(Commitment.reports),
        )
        .order_by(Theme.position, Commitment.position, Commitment.id)
    )


def pact_commitments(pact_id: int, filters: Mapping[str, Any]) -> list[Commitment]:
    """Every commitment of the pact (the officials' compile list), filtered by
    `theme` (id), `status` and `workshop` (id; 0 for those added outside one)."""
    from workshops.models import Board

    query = select(Commitment).where(Commitment.pact_id == pact_id)
    if filters.get("theme"):
        query = query.where(Commitment.theme_id == filters["theme"])
    if filters.get("status"):
        query = query.where(Commitment.status == filters["status"])
    if filters.get("workshop") == 0:
        query = query.where(Commitment.board_id.is_(None))
    elif filters.get("workshop"):
        query = query.where(
            Commitment.board_id.in_(
                select(Board.id).where(Board.workshop_id == filters["workshop"])
            )
        )
    return list(db.session.scalars(_ordered(query)))


def status_counts(pact_id: int) -> dict[str, int]:
    """How many of the pact's commitments are in each status."""
    rows = db.session.execute(
        select(Commitment.status, func.count())
        .where(Commitment.pact_id == pact_id)
        .group_by(Commitment.status)
    ).all()
    return {str(status): int(count) for status, count in rows}


# A revision's keys (CommitmentData's names) as the commitment form names its fields.
_FORM_FIELDS = {"theme_id": "theme", "lead_id": "lead", "co_signer_ids": "co_signers"}


def commitment_history(commitment: Commitment) -> list[dict[str, Any]]:
    """Each edit of the commitment by an official, newest first: who, when, which
    version it replaced, every changed field's old and new value (themes and
    organisations by name, the deadline as a date), and the signatures it voided."""
    themes = {theme.id: theme_label(theme) for theme in commitment.pact.themes}
    names = _organisation_names(commitment.revisions)
    return [
        {
            "version": revision.version,
            "changed_at": revision.changed_at,
            "changed_by": revision.changed_by.name if revision.changed_by else None,
            "signatures_invalidated": revision.signatures_invalidated,
            "changes": [
                {
                    "field": _FORM_FIELDS.get(key, key),
                    "from": _shown(key, change["from"], themes, names),
                    "to": _shown(key, change["to"], themes, names),
                }
                for key, change in revision.changes.items()
            ],
        }
        for revision in reversed(commitment.revisions)
    ]


def _organisation_names(revisions: list[CommitmentRevision]) -> dict[int, str]:
    ids: set[int] = set()
    for revision in revisions:
        for key in ("lead_id", "co_signer_ids"):
            for change in (revision.changes.get(key) or {}).values():
                ids.update(change if isinstance(change, list) else [change])
    rows = db.session.execute(
        select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    ).all()
    return {int(org_id): str(name) for org_id, name in rows}


def _shown(
    key: str, value: Any, themes: Mapping[int, str], names: Mapping[int, str]
) -> Any:
    """A revision's stored value as a person reads it."""
    if key == "theme_id":
        return themes.get(value, f"#{value}")
    if key == "lead_id":
        return names.get(value, f"#{value}")
    if key == "co_signer_ids":
        return "; ".join(names.get(org_id, f"#{org_id}") for org_id in value)
    if key == "deadline" and isinstance(value, str):
        return date.fromisoformat(value)
    return value


def published_commitments(pact_id: int) -> list[Commitment]:
    """The commitments that are part of the pact (signed by their lead at least), in
    the document's order: by theme, then as the officials arranged them."""
    query = select(Commitment).where(
        Commitment.pact_id == pact_id, Commitment.status.in_(PACT_STATUSES)
    )
    return list(db.session.scalars(_ordered(query)))


def member_commitments(organisation_id: int) -> list[dict[str, Any]]:
    """The commitments an organisation is a party to (lead or co-signer; drafts
    aside), as its people's page shows them: each with its parties and their
    signatures, whether the organisation reports its progress now, and when its next
    report is due."""
    co_signed = select(commitment_co_signer.c.commitment_id).where(
        commitment_co_signer.c.organisation_id == organisation_id
    )
    query = select(Commitment).where(
        Commitment.status != CommitmentStatus.DRAFT,
        (Commitment.lead_organisation_id == organisation_id)
        | Commitment.id.in_(co_signed),
    )
    return [
        _member_entry(commitment, organisation_id)
        for commitment in db.session.scalars(_ordered(query))
    ]


def _member_entry(commitment: Commitment, organisation_id: int) -> dict[str, Any]:
    signed = {s.organisation_id: s for s in commitment.signatures if not s.authority}
    lead = commitment.lead_organisation_id == organisation_id
    return {
        "commitment": commitment,
        "parties": [
            {
                "organisation": organisation,
                "lead": organisation.id == commitment.lead_organisation_id,
                "signature": signed.get(organisation.id),
            }
            for organisation in parties(commitment)
        ],
        "authority_signature": next(
            (s for s in commitment.signatures if s.authority), None
        ),
        "signature": signed.get(organisation_id),
        "lead": lead,
        "can_report": lead
        and commitment.pact.published_at is not None
        and commitment.status in REPORTABLE,
        "due": due_date(commitment) if lead else None,
        "reports": commitment.reports[::-1],
    }


def started_on(commitment: Commitment) -> date:
    """Where the progress line starts: the day the commitment was first signed
    (its baseline is the state then), else the day it was written down."""
    signed = [signature.signed_at for signature in commitment.signatures]
    moment = min(signed, default=commitment.created_at)
    return moment.astimezone(ZoneInfo(commitment.pact.timezone)).date()


def commitment_chart(commitment: Commitment) -> dict[str, Any]:
    """The commitment's progress line (pacts.charts), as its page and the PDF draw
    it."""
    return progress_line(
        commitment.indicator_baseline,
        commitment.indicator_target,
        started_on(commitment),
        commitment.deadline,
        [(report.reported_on, report.value) for report in counted_reports(commitment)],
    )


def counted_reports(commitment: Commitment) -> list[ProgressReport]:
    """The reports whose figures count (those not superseded by a correction), by
    their date, then the order they came in."""
    return [r for r in commitment.reports if counts(r.verification)]


def latest_report(commitment: Commitment) -> ProgressReport | None:
    """The most recent report that counts."""
    counted = counted_reports(commitment)
    return counted[-1] if counted else None


def commitment_record(commitment: Commitment) -> dict[str, Any]:
    """A commitment as the public sees it: plain JSON values, stable ids."""
    latest = latest_report(commitment)
    value = latest.value if latest is not None else None
    signed = {s.organisation_id for s in commitment.signatures if not s.authority}
    return {
        "id": commitment.id,
        "title": commitment.title,
        "action": commitment.action,
        "theme": {"key": commitment.theme.key, "name": theme_label(commitment.theme)},
        "lead": _organisation(commitment.lead_organisation, signed),
        "co_signers": [_organisation(org, signed) for org in commitment.co_signers],
        "authority_signed": any(s.authority for s in commitment.signatures),
        "indicator": {
            "name": commitment.indicator_name,
            "unit": commitment.indicator_unit,
            "baseline": commitment.indicator_baseline,
            "target": commitment.indicator_target,
        },
        "deadline": commitment.deadline.isoformat(),
        "support_requested": commitment.support_requested,
        "support_promised": commitment.support_promised,
        "status": commitment.status,
        "status_reason": commitment.status_reason,
        "version": commitment.version,
        **_joining(commitment),
        "latest": None
        if latest is None
        else {
            "date": latest.reported_on.isoformat(),
            "value": latest.value,
            "verification": latest.verification,
        },
        "progress_percent": percent_of_way(
            commitment.indicator_baseline, commitment.indicator_target, value
        ),
        "reports": [_report(report) for report in commitment.reports],
    }


def _joining(commitment: Commitment) -> dict[str, Any]:
    """The day (in the pact's timezone) the commitment became part of the published
    pact, and whether that was after the publication (it joined the living pact
    later)."""
    joined, published = commitment.joined_at, commitment.pact.published_at
    zone = ZoneInfo(commitment.pact.timezone)
    return {
        "joined_on": joined.astimezone(zone).date().isoformat() if joined else None,
        "joined_later": joined is not None
        and published is not None
        and joined > published,
    }


def _organisation(
    organisation: Organisation, signed: set[int | None]
) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "name": organisation.name,
        "signed": organisation.id in signed,
    }


def _report(report: ProgressReport) -> dict[str, Any]:
    return {
        "id": report.id,
        "date": report.reported_on.isoformat(),
        "value": report.value,
        "narrative": report.narrative,
        "status": report.status,
        "evidence_url": report.evidence_url,
        "has_evidence_file": report.evidence_file is not None,
        "verification": report.verification,
        "verified_at": report.reviewed_at.isoformat()
        if report.verification == Verification.VERIFIED and report.reviewed_at
        else None,
        "supersedes": report.supersedes_id,
    }


def signatories(commitments: list[Commitment]) -> list[str]:
    """The organisations that signed at least one commitment, by name."""
    names = {
        s.signatory
        for commitment in commitments
        for s in commitment.signatures
        if not s.authority
    }
    return sorted(names, key=str.casefold)


def theme_sections(pact: Pact, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pact's themes that have commitments, each with its records and its
    headline counts (on track / at risk / done / dropped)."""
    sections = []
    for theme in pact.themes:
        mine = [r for r in records if r["theme"]["key"] == theme.key]
        if mine:
            sections.append(
                {
                    "key": theme.key,
                    "name": theme_label(theme),
                    "commitments": mine,
                    "counts": count_buckets(r["status"] for r in mine),
                }
            )
    return sections


def programme_indicators(pact_id: int) -> list[dict[str, Any]]:
    """The pact's headline indicators with their current value and aim."""
    indicators = db.session.scalars(
        select(ProgrammeIndicator)
        .where(ProgrammeIndicator.pact_id == pact_id)
        .options(
            selectinload(ProgrammeIndicator.commitments).selectinload(
                Commitment.reports
            )
        )
        .order_by(ProgrammeIndicator.position, ProgrammeIndicator.id)
    )
    return [_indicator(pact_id, indicator) for indicator in indicators]


def _indicator(pact_id: int, indicator: ProgrammeIndicator) -> dict[str, Any]:
    value: float
    aimed: float
    verified: int | None = None
    as_of: str | None = None
    if indicator.source == IndicatorSource.SERVICE:
        value, aimed = service_counts(pact_id, indicator.service or "")
    else:
        latest = [
            (c, latest_report(c))
            for c in indicator.commitments
            if c.status in PACT_STATUSES
        ]
        parts = [
            IndicatorPart(
                c.indicator_baseline,
                c.indicator_target,
                r.value if r is not None else None,
            )
            for c, r in latest
        ]
        value, aimed = indicator_total(parts)
        verified = verified_share(
            parts,
            [
                r is not None and r.verification == Verification.VERIFIED
                for _c, r in latest
            ],
        )
        dates = [r.reported_on for _c, r in latest if r is not None]
        as_of = max(dates).isoformat() if dates else None
    target = indicator.target if indicator.target is not None else aimed
    return {
        "id": indicator.id,
        "name": indicator.name,
        "unit": indicator.unit,
        "source": indicator.source,
        "service": indicator.service,
        "value": value,
        "target": target,
        "percent": round(100 * value / target) if target else None,
        "verified_percent": verified,
        "as_of": as_of,
    }


def pact_overview(pact: Pact, locale: str | None = None) -> dict[str, Any]:
    """Everything the public page, the PDF and the open data show of a pact."""
    commitments = published_commitments(pact.id)
    if locale is None:
        return _overview(pact, commitments)
    with force_locale(locale):
        return _overview(pact, commitments)


def _overview(pact: Pact, commitments: list[Commitment]) -> dict[str, Any]:
    records = [commitment_record(c) for c in commitments]
    return {
        "pact": {
            "slug": pact.slug,
            "title": pact.text("title"),
            "territory": pact.territory,
            "authority": pact.authority,
            "status": pact.status,
            "published_at": pact.published_at.isoformat()
            if pact.published_at
            else None,
            "signed_by": pact.signed_by.name if pact.signed_by else None,
            "introduction": pact.text("introduction"),
            "governance": pact.text("governance"),
            "partners": pact.partner_list,
            "report_frequency": pact.report_frequency,
            "licence": pact.licence,
        },
        "commitments": records,
        "themes": theme_sections(pact, records),
        "counts": count_buckets(r["status"] for r in records),
        "signatories": signatories(commitments),
        "indicators": programme_indicators(pact.id),
    }
