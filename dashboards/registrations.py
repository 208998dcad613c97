"""The staff area of a pact: the officials' registrations dashboard (filters, charts,
pagination, and buttons to enrol the filtered registrations in an upcoming workshop),
a registration's detail page, decisions, and CSV/XLSX exports."""

from __future__ import annotations

from datetime import date

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from core.audit import AuditAction, record_staff_action
from core.choices import (
    KIND_LABELS,
    SECTOR_LABELS,
    SERVICE_LABELS,
    SIZE_LABELS,
    STATUS_LABELS,
)
from core.downloads import CSV_MIMETYPE, attachment, json_attachment
from core.errors import DomainError
from core.forms import ConfirmForm, RegistrationFilterForm
from core.models import Pact
from core.spreadsheets import write_csv
from core.urls import query_int
from core.workbooks import XLSX_MIMETYPE, write_workbook
from dashboards.forms import DecisionForm
from extensions import db
from pacts.personal_data import (
    erase_registration_contact,
    export_filename,
    export_registration,
)
from stakeholders.auth import official_required, pact_staff_required, staff_required
from stakeholders.exports import COLUMNS, export_rows
from stakeholders.queries import (
    registration_counts,
    registration_detail,
    registrations_query,
)
from stakeholders.registrations import next_pending, registration_changes
from stakeholders.services import count_pending
from stakeholders.workbook import registrations_sheet
from workshops.queries import upcoming_workshops

bp = Blueprint("staff", __name__, url_prefix="/staff")

LABELS = {
    "status": STATUS_LABELS,
    "kind": KIND_LABELS,
    "size": SIZE_LABELS,
    "sector": SECTOR_LABELS,
    "service": SERVICE_LABELS,
}


@bp.get("/")
@staff_required
def index() -> str:
    pacts = [(pact, count_pending(pact.id)) for pact in current_user.pacts]
    return render_template("stakeholders/staff_index.html", pacts=pacts)


@bp.get("/p/<slug>/registrations")
@pact_staff_required
def registrations(pact: Pact) -> str:
    filters_form = RegistrationFilterForm(request.args)
    filters_form.validate()
    filters = filters_form.filters()
    page = db.paginate(
        registrations_query(pact.id, filters),
        page=query_int("page") or 1,
        per_page=current_app.config["REGISTRATIONS_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "stakeholders/registrations.html",
        pact=pact,
        page=page,
        filters_form=filters_form,
        filters=filters,
        counts=registration_counts(pact.id),
        labels=LABELS,
        workshops=upcoming_workshops(pact.id)
        if current_user.is_official_of(pact.id)
        else [],
    )


@bp.get("/p/<slug>/registrations/<int:organisation_id>")
@pact_staff_required
def registration(pact: Pact, organisation_id: int) -> str:
    organisation = registration_detail(pact.id, organisation_id)
    if organisation is None:
        abort(404)
    return render_template(
        "stakeholders/registration.html",
        pact=pact,
        organisation=organisation,
        form=DecisionForm(),
        labels=LABELS,
        changes=registration_changes(organisation.id),
        next_id=next_pending(pact.id, organisation.id),
    )


@bp.get("/p/<slug>/registrations.<any(csv, xlsx):fmt>")
@official_required
def export(pact: Pact, fmt: str) -> Response:
    """The registrations matching the filters: XLSX for spreadsheets (labels, dates),
    CSV with the codes for re-import and other programs."""
    filters_form = RegistrationFilterForm(request.args)
    filters_form.validate()
    filters = filters_form.filters()
    filename = f"{pact.slug}-registrations-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        rows = export_rows(pact.id, filters)
        body, mimetype, count = write_csv(rows, COLUMNS), CSV_MIMETYPE, len(rows)
    else:
        sheet = registrations_sheet(pact, filters)
        body, mimetype, count = write_workbook(sheet), XLSX_MIMETYPE, len(sheet.rows)
    # The filters' names only: a search may be someone's name.
    record_staff_action(
        current_user.id,
        pact.id,
        AuditAction.EXPORT,
        "pact",
        pact.id,
        export="registrations",
        format=fmt,
        rows=count,
        filters=sorted(filters),
    )
    return attachment(body, mimetype, filename)


# --- personal data of a registration's contact ----------------------------------------


@bp.get("/p/<slug>/registrations/<int:organisation_id>/personal-data.json")
@official_required
def personal_data(pact: Pact, organisation_id: int) -> Response:
    """The contact's personal data as their own download has it (this pact's)."""
    try:
        export = export_registration(current_user.id, pact.id, organisation_id)
    except DomainError:
        abort(404)
    return json_attachment(export, export_filename())


@bp.route(
    "/p/<slug>/registrations/<int:organisation_id>/erase", methods=["GET", "POST"]
)
@official_required
def erase(pact: Pact, organisation_id: int) -> str | Response:
    """Erase (anonymise) the registration's contact person, after a confirmation."""
    organisation = registration_detail(pact.id, organisation_id)
    if organisation is None or organisation.contact is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template(
            "stakeholders/registration_erase.html",
            pact=pact,
            organisation=organisation,
            form=form,
        )
    try:
        erase_registration_contact(current_user.id, pact.id, organisation_id)
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(_("The contact person's personal data is erased."), "success")
    return redirect(
        url_for(".registration", slug=pact.slug, organisation_id=organisation_id)
    )


# The decisions and the spam deletion, on this blueprint.
from dashboards import decisions  # noqa: E402, F401
