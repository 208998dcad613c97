"""The audit log of a pact for its officials: who did what and when, newest first,
paginated, filtered by action, staff member and days (a GET form), and the same
selection as XLSX for spreadsheets or CSV for other programs (whose download is
itself recorded). Facilitators get 403, another pact's staff 404."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, current_app, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from core.audit import AUDIT_ACTION_LABELS, AuditAction, AuditEntry, record_staff_action
from core.downloads import CSV_MIMETYPE, attachment
from core.models import Pact
from core.spreadsheets import csv_text
from core.urls import query_int
from core.workbooks import XLSX_MIMETYPE, write_workbook
from dashboards.audit_log import (
    AUDIT_COLUMNS,
    SUBJECT_LABELS,
    actor_names,
    audit_actors,
    audit_query,
    audit_rows,
    audit_sheet,
)
from dashboards.forms import AuditFilterForm
from extensions import db
from stakeholders.auth import official_required

bp = Blueprint("audit", __name__, url_prefix="/staff/p/<slug>")


def _filters_form(pact: Pact) -> AuditFilterForm:
    form = AuditFilterForm(request.args, actor_choices=audit_actors(pact))
    form.validate()
    return form


def subject_url(slug: str, entry: AuditEntry) -> str | None:
    """The staff page of the entry's subject, when it has one."""
    details, subject = entry.details, entry.subject_id
    pages: dict[str, tuple[str, dict[str, Any]]] = {
        "organisation": ("staff.registration", {"organisation_id": subject}),
        "service_request": (
            "delivery.detail",
            {"organisation_id": subject, "service": details.get("service")},
        ),
        "workshop": ("workshop_staff.detail", {"workshop_id": subject}),
        "enrolment": (
            "workshop_staff.detail",
            {"workshop_id": details.get("workshop")},
        ),
        "commitment": ("pact_staff.commitment", {"commitment_id": subject}),
        "pact": ("pact_staff.index", {}),
        "indicator": ("pact_staff.indicators", {}),
        "progress_report": (
            "pact_staff.commitment",
            {"commitment_id": details.get("commitment")},
        ),
    }
    page = pages.get(entry.subject_type)
    if page is None or None in page[1].values():
        return None
    return url_for(page[0], slug=slug, **page[1])


@bp.get("/audit")
@official_required
def index(pact: Pact) -> str:
    form = _filters_form(pact)
    filters = form.filters()
    page = db.paginate(
        audit_query(pact, filters),
        page=query_int("page") or 1,
        per_page=current_app.config["AUDIT_ENTRIES_PER_PAGE"],
        error_out=False,
    )
    return render_template(
        "dashboards/audit.html",
        pact=pact,
        page=page,
        form=form,
        filters=filters,
        names=actor_names(entry.actor_id for entry in page.items),
        action_labels=AUDIT_ACTION_LABELS,
        subject_labels=SUBJECT_LABELS,
        subject_url=subject_url,
    )


@bp.get("/audit.<any(csv, xlsx):fmt>")
@official_required
def export(pact: Pact, fmt: str) -> Response:
    """XLSX for spreadsheets (labels, dates), CSV with the codes for other programs."""
    filters = _filters_form(pact).filters()
    if fmt == "csv":
        rows = audit_rows(pact, filters)
        body, count = csv_text(rows, AUDIT_COLUMNS).encode("utf-8"), len(rows)
        mimetype = CSV_MIMETYPE
    else:
        sheet = audit_sheet(pact, filters)
        body, mimetype, count = write_workbook(sheet), XLSX_MIMETYPE, len(sheet.rows)
    record_staff_action(
        current_user.id,
        pact.id,
        AuditAction.EXPORT,
        "pact",
        pact.id,
        export="audit",
        format=fmt,
        rows=count,
        filters=sorted(filters),
    )
    return attachment(
        body, mimetype, f"{pact.slug}-audit-{date.today().isoformat()}.{fmt}"
    )
