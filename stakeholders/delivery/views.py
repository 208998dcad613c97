"""The staff pages of the services a pact delivers to its organisations: the list of
requests grouped by service with each service's headline ("SMEs mentored: 7 of 10"),
filtered by service and status; and one request's page, where officials assign the
expert, log the sessions held and record the outcome (facilitators read only). Each
submission parses one form and calls one use case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from core.choices import Service
from core.errors import DomainError
from core.models import Pact
from core.outcomes import show_refusal
from core.time import today_in
from stakeholders.auth import official_required, pact_staff_required
from stakeholders.delivery.forms import (
    LABELS,
    AssignForm,
    DeliveryFilterForm,
    OutcomeForm,
    SessionForm,
    outcome_values,
)
from stakeholders.delivery.services import (
    assign_expert,
    log_session,
    record_outcome,
    service_request,
    service_requests,
)

bp = Blueprint("delivery", __name__, url_prefix="/staff/p/<slug>/services")


@bp.context_processor
def delivery_labels() -> dict[str, Any]:
    return {"labels": LABELS}


@bp.get("")
@pact_staff_required
def index(pact: Pact) -> str:
    form = DeliveryFilterForm(request.args)
    form.validate()
    return render_template(
        "stakeholders/services.html",
        pact=pact,
        form=form,
        sections=service_requests(pact.id, form.filters()),
    )


def _request_or_404(pact: Pact, organisation_id: int, service: str) -> dict[str, Any]:
    found = service_request(pact.id, organisation_id, service)
    if found is None:
        abort(404)
    return found


def _forms(pact: Pact, found: dict[str, Any]) -> dict[str, FlaskForm]:
    """The page's forms as they start: the current expert and outcome filled in."""
    delivery = found["delivery"]
    return {
        "assign": AssignForm(
            formdata=None,
            data={
                "expert_name": delivery.expert_name,
                "expert_email": delivery.expert_email,
            }
            if delivery
            else None,
        ),
        "session": SessionForm(
            formdata=None, data={"held_on": today_in(pact), "minutes": 60}
        ),
        "outcome": _outcome_form(
            found, formdata=None, data=outcome_values(delivery) if delivery else None
        ),
    }


def _outcome_form(found: dict[str, Any], **kwargs: Any) -> OutcomeForm:
    """The outcome form, with the campaign's fields for crowdfunding only."""
    return OutcomeForm(crowdfunding=found["service"] == Service.CROWDFUNDING, **kwargs)


def _page(
    pact: Pact, found: dict[str, Any], action: str = "", form: FlaskForm | None = None
) -> str:
    """The request's page; after a refused submission, with that form as it was
    sent (and its errors)."""
    forms = _forms(pact, found)
    if form is not None:
        forms[action] = form
    return render_template(
        "stakeholders/services_detail.html",
        pact=pact,
        found=found,
        official=current_user.is_official_of(pact.id),
        forms=forms,
        submitted=form,
    )


@bp.get("/<int:organisation_id>/<service>")
@pact_staff_required
def detail(pact: Pact, organisation_id: int, service: str) -> str:
    return _page(pact, _request_or_404(pact, organisation_id, service))


# --- the officials' actions ---------------------------------------------------------


def _delivery_id(found: dict[str, Any]) -> int:
    if found["delivery"] is None:
        raise DomainError("conflict", _("Please assign an expert first."))
    return int(found["delivery"].id)


def _assign(pact: Pact, found: dict[str, Any], form: Any) -> None:
    assign_expert(
        current_user.id,
        pact.id,
        found["organisation"].id,
        found["service"],
        form.expert_name.data,
        form.expert_email.data,
    )


def _log(pact: Pact, found: dict[str, Any], form: Any) -> None:
    log_session(
        current_user.id,
        _delivery_id(found),
        form.held_on.data,
        form.minutes.data,
        form.notes.data or "",
    )


def _record(pact: Pact, found: dict[str, Any], form: Any) -> None:
    record_outcome(current_user.id, _delivery_id(found), **form.outcome_data())


Action = tuple[Callable[[dict[str, Any]], FlaskForm], Callable[..., None], Any]
ACTIONS: dict[str, Action] = {
    "assign": (lambda found: AssignForm(), _assign, _l("The expert is assigned.")),
    "session": (lambda found: SessionForm(), _log, _l("The session is logged.")),
    "outcome": (_outcome_form, _record, _l("The outcome is recorded.")),
}


@bp.post("/<int:organisation_id>/<service>")
@official_required
def act(pact: Pact, organisation_id: int, service: str) -> str | Response:
    found = _request_or_404(pact, organisation_id, service)
    back = redirect(
        url_for(
            ".detail", slug=pact.slug, organisation_id=organisation_id, service=service
        )
    )
    name = request.form.get("action", "")
    if name not in ACTIONS:
        flash(_("Please try again."), "error")
        return back
    make_form, perform, done = ACTIONS[name]
    form = make_form(found)
    if not form.validate_on_submit():
        return _page(pact, found, name, form)
    try:
        perform(pact, found, form)
    except DomainError as exc:
        show_refusal(form, exc)
        return _page(pact, found, name, form)
    flash(str(done), "success")
    return back
