"""The staff pages of a pact's workshops: the list, scheduling and editing, the detail
page shown on the projector (join code, enrolled people, waitlist, attendance), the
officials' enrolment actions (one by one, or a filtered registrations list at once),
and the attendance export. Each view parses a form, calls one use case, and flashes
the outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

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
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from core.audit import AuditAction, record_staff_action
from core.downloads import CSV_MIMETYPE, attachment
from core.errors import DomainError
from core.forms import ActionForm, RegistrationFilterForm
from core.models import Pact
from core.outcomes import perform, refuse_on_form
from core.qrcodes import qr_svg
from core.spreadsheets import write_csv
from core.time import utcnow
from core.workbooks import XLSX_MIMETYPE, write_workbook
from stakeholders.auth import official_required, pact_staff_required
from stakeholders.services import theme_choices
from workshops.enrolment import decline_for, enrol_people
from workshops.forms import (
    LABELS,
    STATUS_BUTTON_LABELS,
    AttendanceForm,
    EnrolForm,
    StatusForm,
    WorkshopForm,
    workshop_values,
)
from workshops.invitations import mark_attendance, resend_invitation, revoke_invitation
from workshops.lifecycle import WorkshopAction, status_buttons, workshop_actions
from workshops.models import Enrolment, Workshop
from workshops.queries import (
    ATTENDANCE_COLUMNS,
    approved_contacts,
    attendance_rows,
    enrollable_people,
    enrolment_counts,
    enrolments_by_status,
    pact_workshop,
    pact_workshops,
    workshop_enrolment,
)
from workshops.scheduling import (
    cancel_workshop,
    create_workshop,
    pact_staff_members,
    set_workshop_status,
    update_workshop,
)
from workshops.workbook import attendance_sheet

bp = Blueprint("workshop_staff", __name__, url_prefix="/staff/p/<slug>/workshops")

T = TypeVar("T")

ENROLMENT_ACTIONS: dict[str, tuple[Callable[[int, int], Any], Any]] = {
    "resend": (resend_invitation, _l("The join link has been sent again.")),
    "revoke": (revoke_invitation, _l("The join links sent so far no longer work.")),
    "decline": (decline_for, _l("The place has been cancelled.")),
}


@bp.context_processor
def workshop_labels() -> dict[str, Any]:
    return {"workshop_labels": LABELS}


def _workshop_or_404(pact: Pact, workshop_id: int) -> Workshop:
    workshop = pact_workshop(pact.id, workshop_id)
    if workshop is None:
        abort(404)
    return workshop


def _enrolment_or_404(pact: Pact, workshop_id: int, enrolment_id: int) -> Enrolment:
    workshop = _workshop_or_404(pact, workshop_id)
    enrolment = workshop_enrolment(workshop.id, enrolment_id)
    if enrolment is None:
        abort(404)
    return enrolment


def _to_detail(pact: Pact, workshop_id: int) -> Response:
    return redirect(url_for(".detail", slug=pact.slug, workshop_id=workshop_id))


# --- list, schedule, edit ----------------------------------------------------------


@bp.get("")
@pact_staff_required
def index(pact: Pact) -> str:
    workshops = pact_workshops(pact.id)
    now = utcnow()
    return render_template(
        "workshops/index.html",
        pact=pact,
        upcoming=[w for w in workshops if w.ends_at >= now],
        past=[w for w in reversed(workshops) if w.ends_at < now],
        counts=enrolment_counts(pact.id),
    )


def _workshop_form(pact: Pact, data: dict[str, Any] | None = None) -> WorkshopForm:
    return WorkshopForm(
        data=data,
        timezone=pact.timezone,
        languages=current_app.config["LANGUAGES"],
        theme_choices=theme_choices(pact),
        staff_choices=[(person.id, person.name) for person in pact_staff_members(pact)],
    )


def _render_form(pact: Pact, form: WorkshopForm, workshop: Workshop | None) -> str:
    return render_template(
        "workshops/form.html", pact=pact, form=form, workshop=workshop
    )


@bp.route("/new", methods=["GET", "POST"])
@pact_staff_required
def new(pact: Pact) -> str | Response:
    languages = current_app.config["LANGUAGES"]
    default = next((c for c in pact.language_list if c in languages), languages[0])
    # Every theme of the pact is ticked to begin with: the board's columns by default.
    first = {"language": default, "themes": [key for key, _l in theme_choices(pact)]}
    form = _workshop_form(pact, data=first if request.method == "GET" else None)
    if not form.validate_on_submit():
        return _render_form(pact, form, None)
    try:
        created = create_workshop(current_user.id, pact.id, form.workshop_data())
    except DomainError as exc:
        refuse_on_form(form, exc)
        return _render_form(pact, form, None)
    flash(_("The workshop is scheduled."), "success")
    return _to_detail(pact, created["workshop"])


@bp.route("/<int:workshop_id>/edit", methods=["GET", "POST"])
@official_required
def edit(pact: Pact, workshop_id: int) -> str | Response:
    workshop = _workshop_or_404(pact, workshop_id)
    form = _workshop_form(
        pact,
        data=workshop_values(workshop, pact.timezone)
        if request.method == "GET"
        else None,
    )
    if not form.validate_on_submit():
        return _render_form(pact, form, workshop)
    try:
        updated = update_workshop(current_user.id, workshop.id, form.workshop_data())
    except DomainError as exc:
        refuse_on_form(form, exc)
        return _render_form(pact, form, workshop)
    if updated["moved"]:
        flash(
            _("The workshop is updated; everyone enrolled was sent the new details."),
            "success",
        )
    else:
        flash(_("The workshop is updated."), "success")
    return _to_detail(pact, workshop.id)


@bp.get("/<int:workshop_id>/cancel")
@official_required
def confirm_cancel(pact: Pact, workshop_id: int) -> str:
    """What cancelling will do, and the button that does it."""
    workshop = _workshop_or_404(pact, workshop_id)
    return render_template(
        "workshops/confirm_cancel.html",
        pact=pact,
        workshop=workshop,
        enrolments=enrolments_by_status(workshop.id),
        cancellable=WorkshopAction.CANCEL in workshop_actions(workshop.status),
        form=ActionForm(),
    )


@bp.post("/<int:workshop_id>/cancel")
@official_required
def cancel(pact: Pact, workshop_id: int) -> Response:
    workshop = _workshop_or_404(pact, workshop_id)
    perform(
        ActionForm(),
        lambda: cancel_workshop(current_user.id, workshop.id),
        _("The workshop is cancelled; everyone enrolled or waiting was told."),
    )
    return _to_detail(pact, workshop.id)


@bp.post("/<int:workshop_id>/status")
@pact_staff_required
def status(pact: Pact, workshop_id: int) -> Response:
    workshop = _workshop_or_404(pact, workshop_id)
    form = StatusForm()
    label = LABELS["workshop"].get(form.status.data, "")
    perform(
        form,
        lambda: set_workshop_status(current_user.id, workshop.id, form.status.data),
        _("The workshop is now: %(status)s.", status=label),
    )
    return _to_detail(pact, workshop.id)


# --- the detail page ---------------------------------------------------------------


@bp.get("/<int:workshop_id>")
@pact_staff_required
def detail(pact: Pact, workshop_id: int) -> str:
    workshop = _workshop_or_404(pact, workshop_id)
    official = current_user.is_official_of(pact.id)
    actions = workshop_actions(workshop.status)
    people = enrollable_people(workshop) if official else []
    enrol_form = EnrolForm(people_choices=[(p.id, _person_label(p)) for p in people])
    public_url = str(current_app.config["PUBLIC_URL"]).rstrip("/")
    walk_in_url = f"{public_url}/join?code={workshop.join_code}"
    return render_template(
        "workshops/detail.html",
        pact=pact,
        workshop=workshop,
        enrolments=enrolments_by_status(workshop.id),
        enrol_form=enrol_form,
        official=official,
        actions=actions,
        status_buttons=[
            (status, STATUS_BUTTON_LABELS[status])
            for _action, status in status_buttons(workshop.status)
        ],
        walk_in_address=f"{public_url}/join",
        walk_in_url=walk_in_url,
        walk_in_qr=qr_svg(
            walk_in_url, _("QR code of %(address)s", address=walk_in_url)
        ),
    )


def _person_label(person: Any) -> str:
    organisation = person.organisation.name if person.organisation else ""
    return f"{person.name} ({organisation})" if organisation else str(person.name)


# --- enrolment ---------------------------------------------------------------------


def _flash_enrolled(result: dict[str, list[int]]) -> None:
    flash(
        _(
            "%(enrolled)d enrolled, %(waitlisted)d on the waiting list.",
            enrolled=len(result["enrolled"]),
            waitlisted=len(result["waitlisted"]),
        ),
        "success",
    )
    if result["skipped"]:
        flash(
            _(
                "%(num)d skipped: already enrolled or waiting, or not approved.",
                num=len(result["skipped"]),
            ),
            "info",
        )


@bp.post("/<int:workshop_id>/enrol")
@official_required
def enrol(pact: Pact, workshop_id: int) -> Response:
    workshop = _workshop_or_404(pact, workshop_id)
    people = enrollable_people(workshop)
    form = EnrolForm(people_choices=[(p.id, _person_label(p)) for p in people])
    result = perform(
        form, lambda: enrol_people(current_user.id, workshop.id, form.people.data or [])
    )
    if result is not None:
        _flash_enrolled(result)
    return _to_detail(pact, workshop.id)


@bp.post("/<int:workshop_id>/enrol-filtered")
@official_required
def enrol_filtered(pact: Pact, workshop_id: int) -> Response:
    """Enrol the contacts of the approved registrations the dashboard's filters
    select (the filters come back as hidden fields)."""
    workshop = _workshop_or_404(pact, workshop_id)
    filters_form = RegistrationFilterForm(request.form)
    filters_form.validate()
    filters = filters_form.filters()
    people = approved_contacts(pact.id, filters)
    result = perform(
        ActionForm(), lambda: enrol_people(current_user.id, workshop.id, people)
    )
    if result is not None:
        _flash_enrolled(result)
    back: dict[str, Any] = {"slug": pact.slug, **filters}
    return redirect(url_for("staff.registrations", **back))


@bp.post("/<int:workshop_id>/enrolments/<int:enrolment_id>/attendance")
@pact_staff_required
def attendance(pact: Pact, workshop_id: int, enrolment_id: int) -> Response:
    enrolment = _enrolment_or_404(pact, workshop_id, enrolment_id)
    form = AttendanceForm()
    done = _(
        "%(name)s: %(attendance)s.",
        name=enrolment.person.name,
        attendance=LABELS["attendance"].get(form.attendance.data, ""),
    )
    perform(
        form,
        lambda: mark_attendance(current_user.id, enrolment.id, form.attendance.data),
        done,
    )
    return _to_detail(pact, workshop_id)


@bp.get("/<int:workshop_id>/enrolments/<int:enrolment_id>/decline")
@official_required
def confirm_decline(pact: Pact, workshop_id: int, enrolment_id: int) -> str:
    """Whose place is cancelled, what they are told, and the button that does it."""
    enrolment = _enrolment_or_404(pact, workshop_id, enrolment_id)
    return render_template(
        "workshops/confirm_decline.html",
        pact=pact,
        workshop=enrolment.workshop,
        enrolment=enrolment,
        form=ActionForm(),
    )


@bp.post(
    "/<int:workshop_id>/enrolments/<int:enrolment_id>"
    "/<any(resend, revoke, decline):action>"
)
@official_required
def enrolment_action(
    pact: Pact, workshop_id: int, enrolment_id: int, action: str
) -> Response:
    enrolment = _enrolment_or_404(pact, workshop_id, enrolment_id)
    use_case, done = ENROLMENT_ACTIONS[action]
    perform(ActionForm(), lambda: use_case(current_user.id, enrolment.id), str(done))
    return _to_detail(pact, workshop_id)


# --- export ------------------------------------------------------------------------


@bp.get("/<int:workshop_id>/attendance.<any(csv, xlsx):fmt>")
@official_required
def attendance_export(pact: Pact, workshop_id: int, fmt: str) -> Response:
    """XLSX for spreadsheets (labels, dates), CSV with the codes for other programs."""
    workshop = _workshop_or_404(pact, workshop_id)
    filename = (
        f"{pact.slug}-workshop-{workshop.id}-attendance-{date.today().isoformat()}"
        f".{fmt}"
    )
    if fmt == "csv":
        rows = attendance_rows(workshop.id)
        body, count = write_csv(rows, ATTENDANCE_COLUMNS), len(rows)
        mimetype = CSV_MIMETYPE
    else:
        sheet = attendance_sheet(pact, workshop)
        body, mimetype, count = write_workbook(sheet), XLSX_MIMETYPE, len(sheet.rows)
    record_staff_action(
        current_user.id,
        pact.id,
        AuditAction.EXPORT,
        "workshop",
        workshop.id,
        export="attendance",
        format=fmt,
        rows=count,
    )
    return attachment(body, mimetype, filename)
