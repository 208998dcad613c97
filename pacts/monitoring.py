"""Monitoring a published pact: a commitment's lead (or an official on their behalf)
reports progress, with optional evidence (a link, or a file of an allowed type up to
5 MB, checked by its content, not only its name, within a total per commitment:
EVIDENCE_QUOTA_PER_COMMITMENT), and reminder e-mails go out when a report is due and
when it is overdue (`send-reminders`, run daily)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from commitments.models import Commitment
from commitments.operations import commitment_changed, member_link, pact_commitment
from core.choices import CommitmentStatus
from core.errors import DomainError
from core.mail import queue_template_email
from core.models import REPORT_MONTHS, Pact, PactStatus, ReportFrequency
from core.time import today_in, utcnow
from core.transactions import use_case
from extensions import db
from pacts.models import ProgressReminder, ProgressReport
from pacts.progress import next_due, reminder_kind
from pacts.verification import initial
from stakeholders.models import Person

MB = 1024 * 1024
EVIDENCE_MAX_BYTES = 5 * MB
# Allowed evidence: extension -> (MIME type, how its content must start). Office
# files are ZIP containers; CSV and plain text must be UTF-8 without NUL bytes.
ZIP = b"PK\x03\x04"
EVIDENCE_TYPES: dict[str, tuple[str, bytes | None]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ZIP,
    ),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
    "odt": ("application/vnd.oasis.opendocument.text", ZIP),
    "ods": ("application/vnd.oasis.opendocument.spreadsheet", ZIP),
    "csv": ("text/csv", None),
    "txt": ("text/plain", None),
}
# Statuses in which a commitment takes progress reports.
REPORTABLE = (
    CommitmentStatus.SIGNED,
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.AT_RISK,
    CommitmentStatus.DONE,
)
# Statuses that still owe reports (done and dropped ones do not).
OWING = (
    CommitmentStatus.SIGNED,
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.AT_RISK,
)


@dataclass(frozen=True)
class Evidence:
    filename: str
    content: bytes


@dataclass(frozen=True)
class ProgressData:
    reported_on: date
    value: float
    narrative: str
    status: str
    status_reason: str = ""
    evidence_url: str | None = None
    evidence: Evidence | None = None


def evidence_type(evidence: Evidence) -> str:
    """The MIME type of an allowed evidence file; DomainError for anything else."""
    if len(evidence.content) > EVIDENCE_MAX_BYTES:
        raise DomainError(
            "invalid", _("The file is larger than 5 MB."), "evidence_file"
        )
    extension = evidence.filename.rsplit(".", 1)[-1].lower()
    allowed = EVIDENCE_TYPES.get(extension) if "." in evidence.filename else None
    if allowed is None or not _content_matches(evidence.content, allowed[1]):
        raise DomainError(
            "invalid",
            _("Please attach a PDF, image (PNG, JPEG), office document or CSV file."),
            "evidence_file",
        )
    return allowed[0]


def _content_matches(content: bytes, magic: bytes | None) -> bool:
    if magic is not None:
        return content.startswith(magic)
    if b"\x00" in content:
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@use_case
def report_progress(
    person_id: int, pact_id: int, commitment_id: int, data: ProgressData
) -> dict[str, Any]:
    """Record a progress report by the commitment's lead (or an official of the
    pact): its value and date, narrative, evidence, and the status it leaves."""
    commitment = pact_commitment(pact_id, commitment_id)
    check_reporter(person_id, commitment)
    if commitment.status not in REPORTABLE:
        raise DomainError("conflict", _("This commitment takes no more reports."))
    report = add_report(person_id, commitment, data)
    leave_status(person_id, commitment, data)
    return {"report": report.id, "status": commitment.status}


def add_report(
    person_id: int, commitment: Commitment, data: ProgressData
) -> ProgressReport:
    """A new report on a commitment of a published pact, checked and added to the
    unit of work (a first report or a correction alike)."""
    pact = commitment.pact
    if pact.published_at is None:
        raise DomainError(
            "conflict", _("Progress is reported once the pact is published.")
        )
    if data.reported_on > today_in(pact):
        raise DomainError(
            "invalid", _("The date cannot be in the future."), "reported_on"
        )
    if data.status == CommitmentStatus.DROPPED and not data.status_reason:
        raise DomainError(
            "invalid", _("Please say why the commitment is dropped."), "status_reason"
        )
    # Every check comes before the report exists: a refused file leaves nothing
    # pending in the session.
    mimetype = evidence_type(data.evidence) if data.evidence is not None else None
    if data.evidence is not None:
        _check_quota(commitment, len(data.evidence.content))
    report = ProgressReport(
        commitment=commitment,
        reported_on=data.reported_on,
        value=data.value,
        narrative=data.narrative,
        status=data.status,
        status_reason=data.status_reason,
        evidence_url=data.evidence_url,
        reported_by_id=person_id,
        created_at=utcnow(),
        verification=initial(bool(data.evidence_url or data.evidence)),
    )
    if data.evidence is not None and mimetype is not None:
        _store_evidence(report, data.evidence, mimetype)
    pact.status = PactStatus.MONITORING
    db.session.add(report)
    db.session.flush()
    return report


def leave_status(person_id: int, commitment: Commitment, data: ProgressData) -> None:
    """The commitment takes the status its newest report leaves it in."""
    commitment.status = data.status
    commitment.status_reason = data.status_reason
    commitment.updated_at = utcnow()
    commitment_changed.send(commitment, type="commitment:update", actor=person_id)


def check_reporter(person_id: int, commitment: Commitment) -> None:
    person = db.session.get(Person, person_id)
    if person is None or not person.active:
        raise DomainError("forbidden", _("Please open your personal link again."))
    if person.organisation_id == commitment.lead_organisation_id:
        return
    if person.is_official_of(commitment.pact_id):
        return
    raise DomainError(
        "forbidden", _("Only the commitment's lead organisation reports its progress.")
    )


def _check_quota(commitment: Commitment, size: int) -> None:
    """Refuse a file that would take the commitment's evidence past the quota. The
    commitment's row is locked first (PostgreSQL), so that two uploads at once cannot
    both fit in the same room; SQLite writers are serialised anyway."""
    db.session.execute(
        select(Commitment.id).where(Commitment.id == commitment.id).with_for_update()
    )
    used = db.session.scalar(
        select(func.coalesce(func.sum(ProgressReport.evidence_size), 0)).where(
            ProgressReport.commitment_id == commitment.id
        )
    )
    quota = int(current_app.config["EVIDENCE_QUOTA_PER_COMMITMENT"])
    if int(used or 0) + size <= quota:
        return
    raise DomainError(
        "invalid",
        _(
            "This commitment's evidence files may take %(quota)s MB in all, and "
            "%(used)s MB are stored already: attach a smaller file, or a link.",
            quota=_megabytes(quota),
            used=_megabytes(int(used or 0)),
        ),
        "evidence_file",
    )


def _megabytes(size: int) -> str:
    return str(format_decimal(size / MB, format="#,##0.#"))


def evidence_folder() -> Path:
    """Where evidence files live; an app built without one (a bare TestConfig) must
    not quietly write into the working directory."""
    folder = str(current_app.config["EVIDENCE_FOLDER"])
    if not folder:
        raise RuntimeError("EVIDENCE_FOLDER is not configured")
    return Path(folder)


def _store_evidence(report: ProgressReport, evidence: Evidence, mimetype: str) -> None:
    """Kept under a random name (never the uploader's), outside static/."""
    folder = evidence_folder()
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16)
    (folder / stored).write_bytes(evidence.content)
    report.evidence_file = stored
    report.evidence_name = Path(evidence.filename).name[-200:]
    report.evidence_type = mimetype
    report.evidence_size = len(evidence.content)


def evidence_of(pact_id: int, commitment_id: int, report_id: int) -> ProgressReport:
    report = db.session.get(ProgressReport, report_id)
    if (
        report is None
        or report.evidence_file is None
        or report.commitment_id != commitment_id
        or report.commitment.pact_id != pact_id
        or report.commitment.pact.published_at is None
    ):
        raise DomainError("not_found", _("There is no such file."))
    return report


# --- reminders ---------------------------------------------------------------------


def due_date(commitment: Commitment) -> date | None:
    """When the commitment's next progress report is due (None when it owes none)."""
    pact = commitment.pact
    if pact.published_at is None or commitment.status not in OWING:
        return None
    zone = ZoneInfo(pact.timezone)
    months = REPORT_MONTHS[ReportFrequency(pact.report_frequency)]
    last = max((r.created_at for r in commitment.reports), default=None)
    return next_due(
        pact.published_at.astimezone(zone).date(),
        months,
        last.astimezone(zone).date() if last is not None else None,
    )


@use_case
def send_reminders(today: date | None = None) -> dict[str, int]:
    """E-mail each lead whose report is due within a fortnight (`due`) or late
    (`overdue`); each reminder goes once per due date."""
    sent = {"due": 0, "overdue": 0}
    commitments = db.session.scalars(
        select(Commitment)
        .join(Pact, Pact.id == Commitment.pact_id)
        .where(Pact.published_at.is_not(None), Commitment.status.in_(OWING))
        .options(selectinload(Commitment.reports))
        .order_by(Commitment.id)
    )
    for commitment in commitments:
        due = due_date(commitment)
        day = today or today_in(commitment.pact)
        kind = reminder_kind(due, day) if due is not None else None
        if kind is None or due is None or _reminded(commitment.id, due, kind):
            continue
        contact = commitment.lead_organisation.contact
        if contact is None or not contact.active:
            continue
        db.session.add(
            ProgressReminder(
                commitment_id=commitment.id, due_on=due, kind=kind, sent_at=utcnow()
            )
        )
        queue_template_email(
            contact.email,
            contact.language,
            f"progress_{kind}",
            person=contact,
            commitment=commitment,
            pact=commitment.pact,
            due=due,
            link=member_link(contact),
        )
        sent[kind] += 1
    return sent


def _reminded(commitment_id: int, due: date, kind: str) -> bool:
    return (
        db.session.scalar(
            select(ProgressReminder.id).where(
                ProgressReminder.commitment_id == commitment_id,
                ProgressReminder.due_on == due,
                ProgressReminder.kind == kind,
            )
        )
        is not None
    )
