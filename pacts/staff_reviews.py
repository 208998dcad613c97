"""The officials' pages of a progress report's verification, on the commitment's
staff page: verify a report (one button), or return it for correction (a page that
shows the report, asks for the comment the lead will read, and confirms)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from core.errors import DomainError
from core.forms import ActionForm
from core.models import Pact
from core.outcomes import perform, refuse_on_form
from pacts.models import ProgressReport
from pacts.review_forms import ReturnReportForm
from pacts.reviews import pact_report, return_progress_report, verify_progress_report
from pacts.staff import bp
from stakeholders.auth import official_required

REPORT = "/commitments/<int:commitment_id>/reports/<int:report_id>"


def _report_or_404(pact: Pact, commitment_id: int, report_id: int) -> ProgressReport:
    try:
        return pact_report(pact.id, commitment_id, report_id)
    except DomainError:
        abort(404)


def _to_report(pact: Pact, report: ProgressReport) -> Response:
    return redirect(
        url_for(
            ".commitment",
            slug=pact.slug,
            commitment_id=report.commitment_id,
            _anchor=f"report-{report.id}",
        )
    )


@bp.post(f"{REPORT}/verify")
@official_required
def verify_report(pact: Pact, commitment_id: int, report_id: int) -> Response:
    report = _report_or_404(pact, commitment_id, report_id)
    perform(
        ActionForm(),
        lambda: verify_progress_report(
            current_user.id, pact.id, commitment_id, report.id
        ),
        _("The report is verified."),
    )
    return _to_report(pact, report)


@bp.route(f"{REPORT}/return", methods=["GET", "POST"])
@official_required
def return_report(
    pact: Pact, commitment_id: int, report_id: int
) -> Response | tuple[str, int]:
    report = _report_or_404(pact, commitment_id, report_id)
    form = ReturnReportForm()
    status = 200
    if form.validate_on_submit():
        try:
            return_progress_report(
                current_user.id,
                pact.id,
                commitment_id,
                report.id,
                form.comment.data or "",
            )
        except DomainError as exc:
            refuse_on_form(form, exc)
            status = 409 if exc.code == "conflict" else 400
        else:
            flash(_("The report is returned; its lead was told by e-mail."), "success")
            return _to_report(pact, report)
    elif form.is_submitted():
        status = 400
    page = render_template(
        "pacts/staff_return_report.html", pact=pact, report=report, form=form
    )
    return page, status
