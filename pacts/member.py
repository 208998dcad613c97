"""The stakeholders' side of a pact's commitments, without passwords: the personal
link from the e-mails about commitments (it opens a participant session), and "My
commitments": the commitments one's organisation is party to, in full, to sign for
the organisation and, for their lead, to report progress with evidence."""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from commitments.models import REPORTED_STATUSES, Commitment
from commitments.operations import identify_member, request_member_link, sign_commitment
from core.choices import COMMITMENT_STATUS_LABELS, CommitmentStatus
from core.errors import DomainError
from core.forms import NewLinkForm
from core.ratelimits import (
    count_attempt,
    count_link_problem,
    link_failure_limit,
    new_link_limits,
)
from core.time import today_in
from pacts.member_forms import (
    EVIDENCE_EXTENSIONS,
    ProgressForm,
    SignForm,
)
from pacts.models import ProgressReport
from pacts.monitoring import report_progress
from pacts.queries import member_commitments
from pacts.reviews import correct_progress_report
from pacts.verification import Verification
from stakeholders.sessions import (
    TOKEN_PROBLEMS,
    open_session,
    participant_required,
)

bp = Blueprint("member", __name__)

# Why a personal link was refused (the `identify_member` reasons), for the visitor.
MEMBER_LINK_PROBLEMS = {
    **TOKEN_PROBLEMS,
    "inactive": _l(
        "This link no longer works: your organisation no longer takes part in the "
        "pact through this address."
    ),
}
# The HTTP status of a refused sign-up or report, by the DomainError code.
REFUSAL_STATUS = {"forbidden": 403, "not_found": 404, "conflict": 409}


# Reasons for which a fresh link by e-mail may help.
RENEWABLE = {"invalid", "expired"}


def _link_problem(reason: str | None, form: NewLinkForm) -> str:
    return render_template(
        "pacts/member_link_problem.html",
        problem=MEMBER_LINK_PROBLEMS.get(reason, TOKEN_PROBLEMS["invalid"])
        if reason
        else None,
        renewable=reason is None or reason in RENEWABLE,
        form=form,
    )


@bp.get("/me/link/<token>")
@link_failure_limit
def open_link(token: str) -> tuple[str, int] | Response:
    """A personal link: a participant session on success; on failure the reason,
    and no session (an existing one is left as it was)."""
    try:
        person_id = identify_member(token)
    except DomainError as exc:
        count_link_problem(exc.message)
        return _link_problem(exc.message, NewLinkForm()), 403
    return open_session(person_id, "member.commitments")


@bp.get("/me/link/new")
def new_link_form() -> str:
    return _link_problem(None, NewLinkForm())


@bp.post("/me/link/new")
@new_link_limits
def new_link() -> tuple[str, int] | str:
    """A new personal link, sent to the address typed if it belongs to a party."""
    form = NewLinkForm()
    if not form.validate_on_submit():
        return _link_problem(None, form), 400
    count_attempt()
    request_member_link(form.email.data or "")
    return render_template("workshops/link_sent.html")


def _prefix(commitment_id: int) -> str:
    """Each commitment's report form has its own field names and ids."""
    return f"c{commitment_id}"


def _report_form(commitment: Commitment) -> ProgressForm:
    """A new report: dated today in the pact's timezone, keeping the commitment's
    status where a report may keep it."""
    status = (
        commitment.status
        if commitment.status in REPORTED_STATUSES
        else CommitmentStatus.IN_PROGRESS
    )
    return ProgressForm(
        formdata=None,
        prefix=_prefix(commitment.id),
        reported_on=today_in(commitment.pact),
        status=status,
    )


def _correction_form(report: ProgressReport) -> ProgressForm:
    """A correction of a returned report, starting from what it said."""
    return ProgressForm(
        formdata=None,
        prefix=f"r{report.id}",
        reported_on=report.reported_on,
        value=report.value,
        narrative=report.narrative,
        status=report.status,
        status_reason=report.status_reason,
        evidence_url=report.evidence_url,
    )


def _page(
    submitted: Mapping[int, ProgressForm] | None = None,
    corrected: Mapping[int, ProgressForm] | None = None,
) -> str:
    """The person's commitments, with a report form for each one they report on
    and a correction form for each returned report of theirs (a submitted one as it
    came back, with its errors)."""
    organisation_id = current_user.organisation_id
    entries = member_commitments(organisation_id) if organisation_id else []
    submitted = submitted or {}
    corrected = corrected or {}
    forms = {
        entry["commitment"].id: submitted.get(entry["commitment"].id)
        or _report_form(entry["commitment"])
        for entry in entries
        if entry["can_report"]
    }
    corrections = {
        report.id: corrected.get(report.id) or _correction_form(report)
        for entry in entries
        if entry["lead"]
        for report in entry["reports"]
        if report.verification == Verification.RETURNED
    }
    return render_template(
        "pacts/my_commitments.html",
        entries=entries,
        forms=forms,
        corrections=corrections,
        status_labels=COMMITMENT_STATUS_LABELS,
        evidence_types=EVIDENCE_EXTENSIONS,
    )


def _refused(exc: DomainError) -> tuple[str, int]:
    flash(exc.message, "error")
    return _page(), REFUSAL_STATUS.get(exc.code, 400)


def _to_commitment(commitment_id: int) -> Response:
    return redirect(
        url_for(".commitments", _anchor=f"commitment-{commitment_id}"), code=303
    )


@bp.get("/me/commitments")
@participant_required
def commitments() -> str:
    return _page()


@bp.post("/me/commitments/<int:commitment_id>/sign")
@participant_required
def sign(commitment_id: int) -> Response | tuple[str, int]:
    form = SignForm()
    if not form.validate_on_submit():
        flash(_("Please choose the organisation to sign for."), "error")
        return _page(), 400
    try:
        sign_commitment(
            current_user.id, commitment_id, int(form.organisation.data or 0)
        )
    except DomainError as exc:
        return _refused(exc)
    flash(
        _(
            "Signed for %(organisation)s. Thank you!",
            organisation=current_user.organisation.name,
        ),
        "success",
    )
    return _to_commitment(commitment_id)


def _on_form(form: ProgressForm, exc: DomainError) -> bool:
    """Show a refusal beside its field; False when it names none of the form's."""
    if exc.field is None or exc.field not in form:
        return False
    field = form[exc.field]
    field.errors = [*field.errors, exc.message]
    return True


@bp.post("/me/commitments/<int:commitment_id>/progress")
@participant_required
def report(commitment_id: int) -> Response | tuple[str, int]:
    form = ProgressForm(prefix=_prefix(commitment_id))
    if not form.validate_on_submit():
        return _page({commitment_id: form}), 400
    try:
        report_progress(
            current_user.id,
            current_user.pact_id or 0,
            commitment_id,
            form.progress_data(),
        )
    except DomainError as exc:
        if not _on_form(form, exc):
            return _refused(exc)
        return _page({commitment_id: form}), 400
    flash(_("Thank you: your progress report is recorded."), "success")
    return _to_commitment(commitment_id)


@bp.post("/me/commitments/<int:commitment_id>/reports/<int:report_id>/correct")
@participant_required
def correct(commitment_id: int, report_id: int) -> Response | tuple[str, int]:
    """A correcting report, superseding a report the pact's team returned."""
    form = ProgressForm(prefix=f"r{report_id}")
    if not form.validate_on_submit():
        return _page(corrected={report_id: form}), 400
    try:
        correct_progress_report(
            current_user.id,
            current_user.pact_id or 0,
            commitment_id,
            report_id,
            form.progress_data(),
        )
    except DomainError as exc:
        if not _on_form(form, exc):
            return _refused(exc)
        return _page(corrected={report_id: form}), 400
    flash(_("Thank you: your correction is recorded."), "success")
    return _to_commitment(commitment_id)
