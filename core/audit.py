"""The audit log of staff actions: who (a staff member's id, kept even once the person
is erased) did what (an `AuditAction`), on which pact, to what (a subject's type and
id), when (UTC), with a few details that hold no personal data (ids, field names,
counts, statuses; never e-mails, names or free text).

`record_staff_action` is a use case: called inside another it joins that unit of work,
so the entry commits with the action and a rolled-back action leaves none; called on
its own (an export only reads) it commits a small unit of its own. The board's own
changes are logged by its append-only BoardEvent log, not here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from core.time import UTCDateTime, utcnow
from core.transactions import use_case
from extensions import db


class AuditAction(StrEnum):
    LOG_IN = "log_in"
    LOG_IN_FAILED = "log_in_failed"
    APPROVE = "approve"
    REJECT = "reject"
    EXPORT = "export"
    ENROL = "enrol"
    REMOVE_FROM_WORKSHOP = "remove_from_workshop"
    REMOVE_PARTICIPANT = "remove_participant"
    RESEND_INVITATION = "resend_invitation"
    REVOKE_INVITATION = "revoke_invitation"
    MARK_ATTENDANCE = "mark_attendance"
    CREATE_WORKSHOP = "create_workshop"
    CANCEL_WORKSHOP = "cancel_workshop"
    SET_WORKSHOP_STATUS = "set_workshop_status"
    EDIT = "edit"
    ADD_COMMITMENT = "add_commitment"
    AGREE = "agree"
    SIGN = "sign"
    MOVE = "move"
    PUBLISH = "publish"
    WITHDRAW_COMMITMENT = "withdraw_commitment"
    ADD_INDICATOR = "add_indicator"
    DELETE_INDICATOR = "delete_indicator"
    ASSIGN_EXPERT = "assign_expert"
    LOG_SESSION = "log_session"
    RECORD_OUTCOME = "record_outcome"
    ERASE = "erase"
    PERSONAL_DATA_EXPORT = "personal_data_export"
    DELETE_SPAM = "delete_spam"
    VERIFY_REPORT = "verify_report"
    RETURN_REPORT = "return_report"
    CORRECT_REPORT = "correct_report"
    IMPORT_REGISTRATIONS = "import_registrations"


AUDIT_ACTION_LABELS: dict[str, Any] = {
    AuditAction.LOG_IN: _l("Logged in"),
    AuditAction.LOG_IN_FAILED: _l("Failed to log in"),
    AuditAction.APPROVE: _l("Approved a registration"),
    AuditAction.REJECT: _l("Rejected a registration"),
    AuditAction.EXPORT: _l("Exported data"),
    AuditAction.ENROL: _l("Enrolled people in a workshop"),
    AuditAction.REMOVE_FROM_WORKSHOP: _l("Cancelled someone's place in a workshop"),
    AuditAction.REMOVE_PARTICIPANT: _l("Removed a participant from a board"),
    AuditAction.RESEND_INVITATION: _l("Sent a join link again"),
    AuditAction.REVOKE_INVITATION: _l("Withdrew join links"),
    AuditAction.MARK_ATTENDANCE: _l("Marked attendance"),
    AuditAction.CREATE_WORKSHOP: _l("Scheduled a workshop"),
    AuditAction.CANCEL_WORKSHOP: _l("Cancelled a workshop"),
    AuditAction.SET_WORKSHOP_STATUS: _l("Changed a workshop's status"),
    AuditAction.EDIT: _l("Edited"),
    AuditAction.ADD_COMMITMENT: _l("Added a commitment"),
    AuditAction.AGREE: _l("Agreed a commitment"),
    AuditAction.SIGN: _l("Signed a commitment for the public authority"),
    AuditAction.MOVE: _l("Reordered a commitment"),
    AuditAction.PUBLISH: _l("Signed and published the pact"),
    AuditAction.WITHDRAW_COMMITMENT: _l("Withdrew a commitment from the pact"),
    AuditAction.ADD_INDICATOR: _l("Added a programme indicator"),
    AuditAction.DELETE_INDICATOR: _l("Removed a programme indicator"),
    AuditAction.ASSIGN_EXPERT: _l("Assigned an expert"),
    AuditAction.LOG_SESSION: _l("Logged a service session"),
    AuditAction.RECORD_OUTCOME: _l("Recorded a service outcome"),
    AuditAction.ERASE: _l("Erased a person's data"),
    AuditAction.PERSONAL_DATA_EXPORT: _l("Exported a person's data"),
    AuditAction.DELETE_SPAM: _l("Deleted a registration as spam"),
    AuditAction.VERIFY_REPORT: _l("Verified a progress report"),
    AuditAction.RETURN_REPORT: _l("Returned a progress report for correction"),
    AuditAction.CORRECT_REPORT: _l("Corrected a returned progress report"),
    AuditAction.IMPORT_REGISTRATIONS: _l("Imported registrations from a file"),
}


class AuditEntry(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "audit_entry"
    __table_args__ = (
        # The page: a pact's entries, newest first.
        Index("ix_audit_entry_pact_at", "pact_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # No foreign key: the entry outlives the person (erased, or removed).
    actor_id: Mapped[int]
    pact_id: Mapped[int] = mapped_column(ForeignKey("pact.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(40))
    subject_type: Mapped[str] = mapped_column(String(30))
    subject_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


@use_case
def record_staff_action(
    actor_id: int,
    pact_id: int,
    action: AuditAction,
    subject_type: str,
    subject_id: int | None,
    **details: Any,
) -> dict[str, int]:
    """Add an entry to the current unit of work (or to one of its own). `details`
    hold ids, field names, counts and statuses only: nothing personal."""
    entry = AuditEntry(
        at=utcnow(),
        actor_id=actor_id,
        pact_id=pact_id,
        action=AuditAction(action),
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
    db.session.add(entry)
    db.session.flush()
    return {"entry": entry.id}


@use_case
def record_staff_login(actor_id: int, pact_ids: Iterable[int]) -> None:
    """A staff member logged in: one entry for each pact they work on, so that each
    pact's officials see it."""
    for pact_id in pact_ids:
        record_staff_action(actor_id, pact_id, AuditAction.LOG_IN, "person", actor_id)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    """The names of the fields an edit changed (what an `edit` entry records)."""
    return sorted(name for name, value in after.items() if before.get(name) != value)
