"""Use cases of a progress report's verification (the rules are pacts.verification):
an official of the pact verifies a report, or returns it for correction with a
comment (its lead is told by e-mail, in their language); the lead answers with a
correcting report that supersedes the returned one, which stays in the history.
Each leaves an audit entry."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from commitments.models import Commitment
from commitments.operations import member_link
from core.audit import AuditAction, record_staff_action
from core.choices import REASON_MAX
from core.errors import DomainError
from core.forms import too_long
from core.mail import queue_template_email
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from pacts.models import ProgressReport
from pacts.monitoring import ProgressData, add_report, leave_status
from pacts.verification import ReviewAction, Reviewer, after, counts
from stakeholders.models import Person
from stakeholders.services import official_of


def pact_report(pact_id: int, commitment_id: int, report_id: int) -> ProgressReport:
    """A report on a commitment of the pact; `not_found` for any other."""
    report = db.session.get(ProgressReport, report_id)
    if (
        report is None
        or report.commitment_id != commitment_id
        or report.commitment.pact_id != pact_id
    ):
        raise DomainError("not_found", _("There is no such progress report."))
    return report


def reviewer(person_id: int, commitment: Commitment) -> Reviewer:
    """The person's standing towards the commitment's reports."""
    try:
        official_of(person_id, commitment.pact_id)
    except DomainError:
        person = db.session.get(Person, person_id)
        if (
            person is not None
            and person.active
            and person.organisation_id == commitment.lead_organisation_id
        ):
            return Reviewer.LEAD
        return Reviewer.OTHER
    return Reviewer.OFFICIAL


def _review(
    actor_id: int, report: ProgressReport, action: ReviewAction
) -> dict[str, Any]:
    """Take `action` on the report and record who and when; the audit details."""
    before = report.verification
    report.verification = after(reviewer(actor_id, report.commitment), before, action)
    report.reviewed_by_id = actor_id
    report.reviewed_at = utcnow()
    return {
        "commitment": report.commitment_id,
        "from": before,
        "to": report.verification,
    }


@use_case
def verify_progress_report(
    actor_id: int, pact_id: int, commitment_id: int, report_id: int
) -> dict[str, Any]:
    """An official confirms the report's figure."""
    report = pact_report(pact_id, commitment_id, report_id)
    details = _review(actor_id, report, ReviewAction.VERIFY)
    record_staff_action(
        actor_id,
        pact_id,
        AuditAction.VERIFY_REPORT,
        "progress_report",
        report.id,
        **details,
    )
    return {"report": report.id, "verification": report.verification}


@use_case
def return_progress_report(
    actor_id: int, pact_id: int, commitment_id: int, report_id: int, comment: str
) -> dict[str, Any]:
    """An official sends the report back to its lead with what to correct; the
    lead's contact is told by e-mail."""
    report = pact_report(pact_id, commitment_id, report_id)
    comment = comment.strip()
    if not comment:
        raise DomainError(
            "invalid", _("Please say what should be corrected."), "comment"
        )
    if len(comment) > REASON_MAX:
        raise DomainError(
            "invalid",
            str(too_long(REASON_MAX)),
            "comment",
        )
    details = _review(actor_id, report, ReviewAction.RETURN)
    report.review_comment = comment
    record_staff_action(
        actor_id,
        pact_id,
        AuditAction.RETURN_REPORT,
        "progress_report",
        report.id,
        **details,
    )
    _tell_lead(report)
    return {"report": report.id, "verification": report.verification}


def _tell_lead(report: ProgressReport) -> None:
    commitment = report.commitment
    contact = commitment.lead_organisation.contact
    if contact is None or not contact.active:
        return
    queue_template_email(
        contact.email,
        contact.language,
        "progress_returned",
        person=contact,
        commitment=commitment,
        pact=commitment.pact,
        report=report,
        link=member_link(contact),
    )


@use_case
def correct_progress_report(
    person_id: int,
    pact_id: int,
    commitment_id: int,
    report_id: int,
    data: ProgressData,
) -> dict[str, Any]:
    """The lead (or an official on its behalf) answers a returned report with a new
    one that supersedes it. The commitment takes the correction's status when the
    returned report was its newest figure."""
    returned = pact_report(pact_id, commitment_id, report_id)
    commitment = returned.commitment
    state = after(
        reviewer(person_id, commitment), returned.verification, ReviewAction.SUPERSEDE
    )
    counted = [r for r in commitment.reports if counts(r.verification)]
    newest = counted[-1].id == returned.id
    correction = add_report(person_id, commitment, data)
    correction.supersedes_id = returned.id
    returned.verification = state
    if newest:
        leave_status(person_id, commitment, data)
    record_staff_action(
        person_id,
        pact_id,
        AuditAction.CORRECT_REPORT,
        "progress_report",
        correction.id,
        commitment=commitment.id,
        supersedes=returned.id,
    )
    return {"report": correction.id, "supersedes": returned.id}
