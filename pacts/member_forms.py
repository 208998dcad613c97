"""Forms of the stakeholders' side of commitments: signing for one's organisation
(the organisation travels in a hidden field; the service checks it is the signer's
own), and the lead's progress report (a number as people type it, in either decimal
notation, a narrative, the status it leaves, and optional evidence)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    Field,
    HiddenField,
    SelectField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Regexp,
    ValidationError,
)

from commitments.models import REPORTED_STATUSES
from core.choices import COMMITMENT_STATUS_LABELS, REASON_MAX, CommitmentStatus
from core.forms import REQUIRED, choices_of, text_area_field, web_address_field
from pacts.forms import number_field
from pacts.monitoring import EVIDENCE_TYPES, Evidence, ProgressData

REPORTED_STATUS_LABELS = {
    status: COMMITMENT_STATUS_LABELS[status] for status in REPORTED_STATUSES
}
NARRATIVE_MAX = 2000
# Evidence files by extension, for the hint and the file picker.
EVIDENCE_EXTENSIONS = ", ".join(extension.upper() for extension in EVIDENCE_TYPES)
EVIDENCE_ACCEPT = ",".join(f".{extension}" for extension in EVIDENCE_TYPES)


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
    value = number_field(_l("Value of the indicator"))
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
        reported_on, value = self.reported_on.data, self.value.data
        if reported_on is None or value is None or self.status.data is None:
            raise ValueError("validate the form before reading its data")
        upload = self.evidence_file.data
        return ProgressData(
            reported_on=reported_on,
            value=value,
            narrative=self.narrative.data or "",
            status=self.status.data,
            status_reason=self.status_reason.data or "",
            evidence_url=self.evidence_url.data or None,
            evidence=Evidence(upload.filename or "", upload.read()) if upload else None,
        )
