"""Officials deciding on registrations, from the list or a registration's page: one
or the ticked ones approved or rejected (a rejection, and any decision on several,
first shows who is affected and asks for confirmation), and a spam registration
deleted after a confirmation. Facilitators get 403, another pact's staff 404."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.wrappers import Response

from core.choices import RegistrationStatus
from core.errors import DomainError
from core.forms import ConfirmForm, RegistrationFilterForm
from core.models import Pact
from dashboards.forms import BulkDecisionForm
from dashboards.registrations import LABELS, bp
from pacts.personal_data import NEVER_APPROVED, delete_spam_registration
from stakeholders.auth import official_required
from stakeholders.queries import registration_detail
from stakeholders.registrations import decide_registrations, registrations_of

STATUSES = {
    "approve": RegistrationStatus.APPROVED,
    "reject": RegistrationStatus.REJECTED,
}
CONFIRMED = "yes"


@bp.post("/p/<slug>/registrations/decide/<any(approve, reject):decision>")
@official_required
def decide_many(pact: Pact, decision: str) -> str | Response:
    """Approve or reject the ticked registrations (or the one of a row or page)."""
    return _decide(pact, decision, BulkDecisionForm())


@bp.post(
    "/p/<slug>/registrations/<int:organisation_id>/<any(approve, reject):decision>"
)
@official_required
def decide(pact: Pact, organisation_id: int, decision: str) -> str | Response:
    """One registration's decision, from its page."""
    form = BulkDecisionForm()
    form.ids.data = [organisation_id]
    return _decide(pact, decision, form, origin=organisation_id)


def _decide(
    pact: Pact, decision: str, form: BulkDecisionForm, origin: int | None = None
) -> str | Response:
    origin = _origin() or origin
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for error in errors:
                flash(str(error), "error")
        return _back(pact, origin)
    ids = list(dict.fromkeys(form.ids.data or []))
    if _needs_confirmation(decision, ids) and form.confirmed.data != CONFIRMED:
        return _confirmation(pact, decision, form, ids, origin)
    try:
        result = decide_registrations(
            current_user.id, pact.id, ids, STATUSES[decision], form.reason.data or ""
        )
    except DomainError as exc:
        if exc.code == "not_found":
            abort(404)
        flash(exc.message, "error")
        return _back(pact, origin)
    flash(_decided_message(decision, result["decided"], len(ids)), "success")
    if result["unchanged"]:
        flash(
            ngettext(
                "%(num)d registration already had that status or was withdrawn.",
                "%(num)d registrations already had that status or were withdrawn.",
                result["unchanged"],
            ),
            "info",
        )
    return _back(pact, origin)


def _needs_confirmation(decision: str, ids: list[int]) -> bool:
    """A rejection, and a decision on several registrations, are confirmed first;
    one approval is not (it can be reversed by a rejection)."""
    return decision == "reject" or len(ids) > 1


def _confirmation(
    pact: Pact,
    decision: str,
    form: BulkDecisionForm,
    ids: list[int],
    origin: int | None,
) -> str | Response:
    try:
        registrations = registrations_of(pact.id, ids)
    except DomainError as exc:
        if exc.code == "not_found":
            abort(404)
        flash(exc.message, "error")
        return _back(pact, origin)
    return render_template(
        "stakeholders/registration_decide.html",
        pact=pact,
        decision=decision,
        form=form,
        registrations=registrations,
        labels=LABELS,
        origin=origin,
        filters=_filters(),
    )


def _decided_message(decision: str, count: int, asked: int) -> str:
    if asked == 1 and count == 1:
        return str(
            _("Registration approved.")
            if decision == "approve"
            else _("Registration rejected.")
        )
    if decision == "approve":
        return str(
            ngettext(
                "%(num)d registration approved.",
                "%(num)d registrations approved.",
                count,
            )
        )
    return str(
        ngettext(
            "%(num)d registration rejected.", "%(num)d registrations rejected.", count
        )
    )


def _origin() -> int | None:
    """The registration whose page the decision came from (None: the list)."""
    value = request.form.get("origin", "")
    return int(value) if value.isdigit() else None


def _filters() -> dict[str, Any]:
    """The list's filters and page, carried through the decision."""
    filters = RegistrationFilterForm(request.form)
    filters.validate()
    kept: dict[str, Any] = dict(filters.filters())
    page = request.form.get("page", "")
    if page.isdigit():
        kept["page"] = page
    return kept


def _back(pact: Pact, origin: int | None) -> Response:
    if origin is not None:
        return redirect(
            url_for(".registration", slug=pact.slug, organisation_id=origin)
        )
    return redirect(url_for(".registrations", slug=pact.slug, **_filters()))


# --- spam ---------------------------------------------------------------------------


@bp.route(
    "/p/<slug>/registrations/<int:organisation_id>/delete", methods=["GET", "POST"]
)
@official_required
def delete(pact: Pact, organisation_id: int) -> str | Response:
    """Delete a registration as spam, after a confirmation."""
    organisation = registration_detail(pact.id, organisation_id)
    if organisation is None:
        abort(404)
    form = ConfirmForm()
    deletable = organisation.status in NEVER_APPROVED
    if not deletable or not form.validate_on_submit():
        return render_template(
            "stakeholders/registration_delete.html",
            pact=pact,
            organisation=organisation,
            form=form,
            deletable=deletable,
        )
    try:
        delete_spam_registration(current_user.id, pact.id, organisation_id)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(
            url_for(".registration", slug=pact.slug, organisation_id=organisation_id)
        )
    flash(_("The registration is deleted as spam."), "success")
    return redirect(url_for(".registrations", slug=pact.slug))
