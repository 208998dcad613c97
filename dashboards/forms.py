"""Forms of the registrations dashboard: an official's decision on a registration."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import Length

from core.choices import REASON_MAX
from core.forms import too_long
from core.validation import NoMarkup, strip


class DecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional, sent to the applicant)"),
        filters=[strip],
        validators=[Length(max=REASON_MAX, message=too_long(REASON_MAX)), NoMarkup()],
    )
