"""Forms of the staff dashboards: an official's decision on a registration, and the
audit log's filters."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from core.audit import AUDIT_ACTION_LABELS
from core.choices import REASON_MAX
from core.forms import ANY, choices_of, too_long
from core.validation import NoMarkup, strip


class DecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional, sent to the applicant)"),
        filters=[strip],
        validators=[Length(max=REASON_MAX, message=too_long(REASON_MAX)), NoMarkup()],
    )


class BulkDecisionForm(DecisionForm):
    """A decision on the registrations ticked in the list (or one of them): their
    ids, the reason of a rejection, and whether the official confirmed it."""

    ids = SelectMultipleField(
        coerce=int,
        validate_choice=False,
        validators=[DataRequired(_l("Select at least one registration."))],
    )
    confirmed = HiddenField()


class AuditFilterForm(FlaskForm):
    """The audit log's filters, read from the query string (GET: no CSRF): the
    action, the staff member, and the days (in the pact's timezone) from and to."""

    class Meta:
        csrf = False

    action = SelectField(
        _l("Action"),
        choices=[ANY, *choices_of(AUDIT_ACTION_LABELS)],
        validators=[Optional()],
    )
    actor = SelectField(_l("Staff member"), validators=[Optional()])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args: Any, actor_choices: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.actor.choices = [ANY, *((str(id_), name) for id_, name in actor_choices)]

    def filters(self) -> dict[str, str]:
        """The filters that are set and valid, as the query string carries them (an
        invalid one is ignored, not an error)."""
        return {
            name: self[name].raw_data[0]
            for name in ("action", "actor", "since", "until")
            if self[name].data and not self[name].errors
        }
