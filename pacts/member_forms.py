"""Forms of the stakeholders' side of commitments: signing for one's organisation
(the organisation travels in a hidden field; the service checks it is the signer's
own), and the lead's progress report (a number as people type it, in either decimal
notation, a narrative, the status it leaves, and optional evidence)."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    Field,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Regexp,
    ValidationError,
)

from choices import COMMITMENT_STATUS_LABELS, REASON_MAX
from pacts.models import REPORTED_STATUSES, CommitmentStatus
from pacts.monitoring import EVIDENCE_TYPES, Evidence, ProgressData
from stakeholders.forms import (
    REQUIRED,
    choices_of,
    text_area_field,
    web_address_field,
)
from validation import strip

REPORTED_STATUS_LABELS = {
    status: COMMITMENT_STATUS_LABELS[status] for status in REPORTED_STATUSES
}
NARRATIVE_MAX = 2000
# A plain decimal number: digits, then optionally a point or a comma and more
# digits. No exponent, "nan" or "inf"; at most 15 digits before the separator, so
# the value is always a finite float.
NUMBER = re.compile(r"^[+-]?\d{1,15}(?:[.,]\d{1,9})?$")
# Evidence files by extension, for the hint and the file picker.
EVIDENCE_EXTENSIONS = ", ".join(extension.upper() for extension in EVIDENCE_TYPES)
EVIDENCE_ACCEPT = ",".join(f".{extension}" for extension in EVIDENCE_TYPES)


def parse_number(text: str) -> float:
    """A number typed with a decimal point or comma ("12.5", "12,5")."""
    if not NUMBER.match(text):
        raise ValueError("not a plain decimal number")
    return float(text.replace(",", "."))


def plain_number(form: FlaskForm, field: Field) -> None:
    if field.data and not NUMBER.match(field.data):
        raise ValidationError(
            _l("Please enter a number, e.g. 12.5 or 12,5 (no thousands separators).")
        )


class SignForm(FlaskForm):
    """Sign a commitment for an organisation (the signer's own, checked by the
    service)."""

    organisation = HiddenField(
        validators=[
            DataRequired(message=REQUIRED),
            Regexp(r"^\d{1,18}$", message=_l("Choose an organisation.")),
        ]
    )


class ProgressForm(FlaskForm):
    """A progress report on a commitment, by its lead."""

    reported_on = DateField(
        _l("Date of the value"), validators=[InputRequired(message=REQUIRED)]
    )
    value = StringField(
        _l("Value of the indicator"),
        filters=[strip],
        validators=[DataRequired(message=REQUIRED), plain_number],
    )
    narrative = text_area_field(_l("What happened"), NARRATIVE_MAX, required=True)
    status = SelectField(
        _l("Status of the commitment"),
        choices=choices_of(REPORTED_STATUS_LABELS),
        validators=[InputRequired(message=REQUIRED)],
    )
    status_reason = text_area_field(
        _l("Reason (required when the commitment is dropped)"), REASON_MAX
    )
    evidence_url = web_address_field(_l("Link to evidence (optional)"))
    evidence_file = FileField(
        _l("Evidence file (optional)"), render_kw={"accept": EVIDENCE_ACCEPT}
    )

    def validate_status_reason(self, field: Field) -> None:
        if self.status.data == CommitmentStatus.DROPPED and not field.data:
            raise ValidationError(_l("Please say why the commitment is dropped."))

    def progress_data(self) -> ProgressData:
        """The validated values, in the shape the service takes (the file read)."""
        if self.reported_on.data is None or self.status.data is None:
            raise ValueError("validate the form before reading its data")
        upload = self.evidence_file.data
        return ProgressData(
            reported_on=self.reported_on.data,
            value=parse_number(self.value.data or ""),
            narrative=self.narrative.data or "",
            status=self.status.data,
            status_reason=self.status_reason.data or "",
            evidence_url=self.evidence_url.data or None,
            evidence=Evidence(upload.filename or "", upload.read()) if upload else None,
        )
