"""The staff page of a workshop's agenda: the steps in order (phase and minutes),
edited row by row or replaced by a template. Staff of the workshop's pact only."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from core.choices import BOARD_PHASE_LABELS
from core.errors import DomainError
from core.models import Pact
from core.outcomes import refuse_on_form
from stakeholders.auth import pact_staff_required
from workshops.agenda import (
    AGENDA_MAX_ITEMS,
    AGENDA_MAX_MINUTES,
    AGENDA_MIN_MINUTES,
    TEMPLATES,
    Step,
    plan_agenda,
    template_steps,
    workshop_agenda,
)
from workshops.agenda_forms import AgendaForm, TemplateForm, agenda_form
from workshops.models import Workshop
from workshops.queries import pact_workshop

bp = Blueprint(
    "workshop_agenda",
    __name__,
    url_prefix="/staff/p/<slug>/workshops/<int:workshop_id>",
)


def _workshop_or_404(pact: Pact, workshop_id: int) -> Workshop:
    workshop = pact_workshop(pact.id, workshop_id)
    if workshop is None:
        abort(404)
    return workshop


def _page(
    pact: Pact, workshop: Workshop, form: AgendaForm, template_form: TemplateForm
) -> str:
    steps = workshop_agenda(workshop.id)
    return render_template(
        "workshops/agenda.html",
        pact=pact,
        workshop=workshop,
        steps=steps,
        total=sum(step.minutes for step in steps),
        form=form,
        template_form=template_form,
        templates=TEMPLATES,
        phase_labels=BOARD_PHASE_LABELS,
        limits={
            "items": AGENDA_MAX_ITEMS,
            "min": AGENDA_MIN_MINUTES,
            "max": AGENDA_MAX_MINUTES,
        },
    )


def _saved(pact: Pact, workshop: Workshop) -> Response:
    flash(_("The agenda is saved."), "success")
    return redirect(url_for(".agenda", slug=pact.slug, workshop_id=workshop.id))


@bp.get("/agenda")
@pact_staff_required
def agenda(pact: Pact, workshop_id: int) -> str:
    workshop = _workshop_or_404(pact, workshop_id)
    form = agenda_form(workshop_agenda(workshop.id))
    return _page(pact, workshop, form, TemplateForm(formdata=None))


@bp.post("/agenda")
@pact_staff_required
def save_agenda(pact: Pact, workshop_id: int) -> tuple[str, int] | Response:
    workshop = _workshop_or_404(pact, workshop_id)
    form = AgendaForm()
    if form.validate_on_submit():
        try:
            plan_agenda(current_user.id, pact.id, workshop.id, form.chosen())
        except DomainError as exc:
            refuse_on_form(form, exc)
        else:
            return _saved(pact, workshop)
    return _page(pact, workshop, form, TemplateForm(formdata=None)), 400


@bp.post("/agenda/template")
@pact_staff_required
def use_template(pact: Pact, workshop_id: int) -> tuple[str, int] | Response:
    workshop = _workshop_or_404(pact, workshop_id)
    form = TemplateForm()
    if form.validate_on_submit():
        steps: list[Step] = template_steps(str(form.template.data))
        plan_agenda(current_user.id, pact.id, workshop.id, steps)
        return _saved(pact, workshop)
    page_form = agenda_form(workshop_agenda(workshop.id))
    return _page(pact, workshop, page_form, form), 400
