"""The import pages of a pact's officials: upload a file, map its columns, preview
the rows (bad and duplicate ones with their reasons), confirm, and follow the import
on a progress bar. The progress page works without JavaScript (a button imports the
next rows); with it, static/js/import_progress.js presses on until the end."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from core.choices import KIND_LABELS, SERVICE_LABELS, SIZE_LABELS
from core.errors import DomainError
from core.forms import ActionForm
from core.models import Pact
from stakeholders.auth import official_required
from stakeholders.imports.columns import FIELDS
from stakeholders.imports.forms import UploadForm, columns_form
from stakeholders.imports.models import ImportState, RegistrationImport
from stakeholders.imports.services import (
    MAX_BYTES,
    MAX_ROWS,
    import_next_rows,
    import_preview,
    import_progress,
    map_columns,
    pending_import,
    start_import,
    upload_registrations,
)

bp = Blueprint("imports", __name__, url_prefix="/staff/p/<slug>/registrations/import")

LABELS = {"kind": KIND_LABELS, "size": SIZE_LABELS, "service": SERVICE_LABELS}


def _pending(pact: Pact, import_id: int) -> RegistrationImport:
    try:
        return pending_import(int(current_user.id), pact.id, import_id)
    except DomainError:
        abort(404)


def _field_error(form: Any, exc: DomainError) -> None:
    if exc.field and exc.field in form:
        form[exc.field].errors = [*form[exc.field].errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def _elsewhere(pact: Pact, message: str, link: str, link_text: str) -> str:
    """A step of the import that is not the current one: where to go instead."""
    return render_template(
        "stakeholders/import_elsewhere.html",
        pact=pact,
        message=message,
        link=link,
        link_text=link_text,
    )


def _started(pact: Pact, import_id: int) -> str:
    return _elsewhere(
        pact,
        _("This import has started: its rows can no longer be changed."),
        url_for(".progress", slug=pact.slug, import_id=import_id),
        _("See the import's progress"),
    )


@bp.route("", methods=["GET", "POST"])
@official_required
def upload(pact: Pact) -> str | Response:
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        # One byte past the limit is enough for the service to refuse the file.
        data = upload.read(MAX_BYTES + 1)
        try:
            result = upload_registrations(
                int(current_user.id), pact.id, upload.filename or "", data
            )
        except DomainError as exc:
            _field_error(form, exc)
        else:
            return redirect(
                url_for(".columns", slug=pact.slug, import_id=result["import"])
            )
    return render_template(
        "stakeholders/import_upload.html",
        pact=pact,
        form=form,
        max_mb=MAX_BYTES // 2**20,
        max_rows=MAX_ROWS,
    )


@bp.route("/<int:import_id>/columns", methods=["GET", "POST"])
@official_required
def columns(pact: Pact, import_id: int) -> str | Response:
    """Which column holds which field, pre-filled by a guess from the headers."""
    pending = _pending(pact, import_id)
    if pending.state in (ImportState.RUNNING, ImportState.DONE):
        return _started(pact, import_id)
    form = columns_form(pending.header, pending.mapping)
    if form.validate_on_submit():
        try:
            map_columns(int(current_user.id), pact.id, import_id, form.mapping())
        except DomainError as exc:
            _field_error(form, exc)
        else:
            return redirect(url_for(".preview", slug=pact.slug, import_id=import_id))
    return render_template(
        "stakeholders/import_columns.html",
        pact=pact,
        pending=pending,
        form=form,
        fields=FIELDS,
    )


@bp.get("/<int:import_id>")
@official_required
def preview(pact: Pact, import_id: int) -> str | Response:
    """The rows as they will be imported and every row that will not be, before
    anything is written."""
    pending = _pending(pact, import_id)
    if pending.state == ImportState.UPLOADED:
        return _elsewhere(
            pact,
            _("Choose the file's columns first."),
            url_for(".columns", slug=pact.slug, import_id=import_id),
            _("Match the columns"),
        )
    if pending.state != ImportState.MAPPED:
        return _started(pact, import_id)
    return render_template(
        "stakeholders/import_preview.html",
        pact=pact,
        pending=pending,
        preview=import_preview(pending, pact),
        labels=LABELS,
        form=ActionForm(),
    )


@bp.post("/<int:import_id>/start")
@official_required
def start(pact: Pact, import_id: int) -> Response:
    _pending(pact, import_id)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            start_import(int(current_user.id), pact.id, import_id)
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for(".preview", slug=pact.slug, import_id=import_id))
    return redirect(url_for(".progress", slug=pact.slug, import_id=import_id))


@bp.get("/<int:import_id>/progress")
@official_required
def progress(pact: Pact, import_id: int) -> str | Response:
    pending = _pending(pact, import_id)
    if pending.state in (ImportState.UPLOADED, ImportState.MAPPED):
        return _elsewhere(
            pact,
            _("This import has not started yet."),
            url_for(".preview", slug=pact.slug, import_id=import_id),
            _("Check the rows"),
        )
    return render_template(
        "stakeholders/import_progress.html",
        pact=pact,
        pending=pending,
        progress=import_progress(pending),
        status=progress_text(import_progress(pending)),
        form=ActionForm(),
    )


@bp.post("/<int:import_id>/next")
@official_required
def next_rows(pact: Pact, import_id: int) -> Response:
    """Import the next chunk of rows: JSON for the page's script, else back to the
    progress page."""
    _pending(pact, import_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    result = import_next_rows(int(current_user.id), pact.id, import_id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify(result | {"status": progress_text(result)})
    return redirect(url_for(".progress", slug=pact.slug, import_id=import_id))


def progress_text(progress: dict[str, Any]) -> str:
    return str(
        _(
            "%(done)d of %(total)d rows processed",
            done=progress["done"],
            total=progress["total"],
        )
    )
