"""The form of an official returning a progress report for correction: the comment
telling the lead what to correct (required, plain text)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from core.choices import REASON_MAX
from core.forms import text_area_field


class ReturnReportForm(FlaskForm):  # type: ignore[misc]
    comment = text_area_field(_l("What should be corrected"), REASON_MAX, required=True)
