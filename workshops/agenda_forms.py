"""The forms of a workshop's agenda page: the rows of the agenda (phase, minutes and
order; a row with no phase is left out, so a row is removed by clearing its phase
and reordered by its number) and the choice of a template that replaces it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional, ValidationError

from core.choices import BOARD_PHASE_LABELS
from workshops.agenda import (
    AGENDA_MAX_ITEMS,
    AGENDA_MAX_MINUTES,
    AGENDA_MIN_MINUTES,
    AGENDA_PHASES,
    TEMPLATES,
    Step,
)

# Empty rows offered under the agenda, for new steps.
SPARE_ROWS = 3
MINUTES_MESSAGE = _l(
    "A step lasts from %(min)s to %(max)s minutes.",
    min=AGENDA_MIN_MINUTES,
    max=AGENDA_MAX_MINUTES,
)


def phase_choices() -> list[tuple[str, Any]]:
    return [("", _l("— no step (removed) —"))] + [
        (phase.value, BOARD_PHASE_LABELS[phase]) for phase in AGENDA_PHASES
    ]


class StepForm(Form):
    """One row; its CSRF token is the page form's."""

    phase = SelectField(_l("Phase"), choices=phase_choices, default="")
    minutes = IntegerField(
        _l("Minutes"),
        validators=[
            Optional(),
            NumberRange(AGENDA_MIN_MINUTES, AGENDA_MAX_MINUTES, MINUTES_MESSAGE),
        ],
    )
    order = IntegerField(
        _l("Order"),
        validators=[
            Optional(),
            NumberRange(1, 99, _l("Give a number from 1 to 99.")),
        ],
    )

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        minutes = self.minutes
        # Optional() ends the field's own checks when it is empty: a step needs them.
        if self.phase.data and minutes.data is None and not minutes.errors:
            minutes.errors = [*minutes.errors, _l("Give the minutes of this step.")]
            return False
        return valid


class AgendaForm(FlaskForm):
    steps = FieldList(FormField(StepForm), max_entries=AGENDA_MAX_ITEMS + SPARE_ROWS)

    def validate_steps(self, field: Any) -> None:
        if len(self.chosen()) > AGENDA_MAX_ITEMS:
            raise ValidationError(
                _l("An agenda has at most %(num)s steps.", num=AGENDA_MAX_ITEMS)
            )

    def chosen(self) -> list[Step]:
        """The rows with a phase, by their order number (rows without one keep
        their place after the numbered ones)."""
        rows = [
            (row.form.order.data or 100, index, row.form)
            for index, row in enumerate(self.steps)
            if row.form.phase.data
        ]
        return [
            Step(str(form.phase.data), int(form.minutes.data or 0))
            for _order, _index, form in sorted(rows, key=lambda row: row[:2])
        ]

    def messages(self) -> list[str]:
        """Every error, each row's prefixed with its number, for the summary."""
        found = [str(e) for e in self.steps.errors if not isinstance(e, dict)]
        for number, row in enumerate(self.steps, start=1):
            for errors in row.form.errors.values():
                found += [
                    str(_l("Step %(num)s: %(error)s", num=number, error=error))
                    for error in errors
                ]
        return found


def agenda_form(steps: list[Step]) -> AgendaForm:
    """The page's form for an agenda: its steps numbered in order, then spare rows
    (never more rows than an agenda may have steps, plus the spares)."""
    rows = [
        {"phase": step.phase, "minutes": step.minutes, "order": number}
        for number, step in enumerate(steps, start=1)
    ]
    rows += [{"phase": "", "minutes": None, "order": None}] * SPARE_ROWS
    return AgendaForm(formdata=None, data={"steps": rows})


class TemplateForm(FlaskForm):
    template = SelectField(
        _l("Template"),
        choices=lambda: [(key, t.label) for key, t in TEMPLATES.items()],
    )
