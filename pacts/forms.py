"""Forms of the officials' pact pages: a commitment (numbers typed with a decimal
point or comma), the compile list's filters and buttons, publishing, and programme
indicators; with the labels of the pact vocabularies (the pact document's form is in
pacts/document_form.py)."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import HiddenInput, TextInput

from commitments.operations import CommitmentData, commitment_data
from core.choices import (
    COMMITMENT_STATUS_LABELS,
    COMMITMENT_TEXT_MAX,
    COMMITMENT_TITLE_MAX,
    INDICATOR_NAME_MAX,
    INDICATOR_UNIT_MAX,
    REASON_MAX,
    SERVICE_LABELS,
)
from core.forms import (
    ANY,
    CHOOSE,
    REQUIRED,
    MultiCheckboxField,
    choices_of,
    text_field,
    too_long,
)
from core.models import ReportFrequency
from core.validation import NoMarkup, strip
from pacts.indicators import IndicatorData
from pacts.models import IndicatorSource

# Larger figures are typing slips, not indicator values (the board's limit too).
NUMBER_MAX = 1e15
# A deadline outside these years is a typing slip (0202, 20300).
DEADLINE_YEARS = (2000, 2100)

REPORT_FREQUENCY_LABELS: dict[str, Any] = {
    ReportFrequency.YEARLY: _l("Once a year"),
    ReportFrequency.HALF_YEARLY: _l("Twice a year"),
    ReportFrequency.QUARTERLY: _l("Every three months"),
}
# The open data's licence: SPDX identifier -> name.
LICENCES: dict[str, Any] = {
    "CC-BY-4.0": _l("Creative Commons Attribution 4.0 (CC BY 4.0)"),
    "CC-BY-SA-4.0": _l("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)"),
    "CC0-1.0": _l("Public domain dedication (CC0 1.0)"),
    "ODbL-1.0": _l("Open Database License 1.0 (ODbL)"),
}
INDICATOR_SOURCE_LABELS: dict[str, Any] = {
    IndicatorSource.COMMITMENTS: _l("The progress of chosen commitments, added up"),
    IndicatorSource.SERVICE: _l(
        "Organisations that received a service, of those that asked for it"
    ),
}
# The commitment form's fields (also the names its page and history show).
COMMITMENT_LABELS: dict[str, Any] = {
    "title": _l("Title"),
    "action": _l("What will be done"),
    "theme": _l("Theme"),
    "lead": _l("Lead organisation"),
    "co_signers": _l("Co-signing organisations"),
    "indicator_name": _l("Indicator"),
    "indicator_unit": _l("Unit"),
    "indicator_baseline": _l("Baseline"),
    "indicator_target": _l("Target"),
    "deadline": _l("Deadline"),
    "support_requested": _l("Support requested from the authority"),
    "support_promised": _l("Support promised by the authority"),
}

_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
NOT_A_NUMBER = _l("Please enter a number, e.g. 12.5 or 12,5.")


def parse_number(text: str) -> float:
    """A number as people type it: 12.5 or 12,5 (a decimal comma), spaces between
    the thousands allowed. ValueError for anything else, and for a number too large
    to be an indicator's value."""
    compact = "".join(text.split())
    if not _NUMBER.match(compact):
        raise ValueError("not a number")
    value = float(compact.replace(",", "."))
    if not math.isfinite(value) or abs(value) > NUMBER_MAX:
        raise ValueError("out of range")
    return value


def plain_number(value: float) -> str:
    """A number as the form shows it again: no exponent, no pointless `.0`."""
    text = format(Decimal(repr(value)), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


class NumberField(Field):
    """A finite number typed in a text box (a decimal comma accepted)."""

    widget = TextInput()

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else plain_number(self.data)

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.data = None
        if not valuelist or not str(valuelist[0]).strip():
            return
        try:
            self.data = parse_number(str(valuelist[0]))
        except ValueError as exc:
            raise ValueError(str(NOT_A_NUMBER)) from exc


def number_field(label: Any, required: bool = True) -> NumberField:
    presence = InputRequired(message=REQUIRED) if required else Optional()
    return NumberField(
        label,
        validators=[presence],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )


def long_text(
    label: Any, limit: int, required: bool = False, **kwargs: Any
) -> TextAreaField:
    """A paragraph or more: trimmed, length-limited, no markup."""
    presence = DataRequired(message=REQUIRED) if required else Optional()
    return TextAreaField(
        label,
        filters=[strip],
        validators=[presence, Length(max=limit, message=too_long(limit)), NoMarkup()],
        **kwargs,
    )


def optional_id(value: Any) -> int | None:
    """A select's id; the empty "Choose…" option is None (then InputRequired
    speaks)."""
    return None if value in ("", None) else int(value)


def _invalid(message: Any) -> dict[str, Any]:
    """A select's message for an unknown or malformed choice (WTForms 3.2+; its
    type stubs predate these arguments)."""
    return {"invalid_value_message": message, "invalid_choice_message": message}


def id_select(label: Any, invalid: Any) -> SelectField:
    return SelectField(
        label,
        coerce=optional_id,
        validators=[InputRequired(message=REQUIRED)],
        **_invalid(invalid),
    )


def id_checkboxes(label: Any, invalid: Any) -> MultiCheckboxField:
    return MultiCheckboxField(label, coerce=int, **_invalid(invalid))


def id_choices(pairs: list[tuple[int, str]], placeholder: bool = False) -> list[Any]:
    choices = [SelectChoice(str(key), label) for key, label in pairs]
    return [CHOOSE, *choices] if placeholder else choices


# --- a commitment ------------------------------------------------------------------


class CommitmentForm(FlaskForm):
    """A commitment's fields, as an official adds one outside a workshop; the theme
    and organisations are chosen from the pact's (given to the constructor)."""

    title = text_field(COMMITMENT_LABELS["title"], COMMITMENT_TITLE_MAX)
    action = long_text(COMMITMENT_LABELS["action"], COMMITMENT_TEXT_MAX)
    theme = id_select(
        COMMITMENT_LABELS["theme"], _l("Choose one of the pact's themes.")
    )
    lead = id_select(
        COMMITMENT_LABELS["lead"], _l("Choose an approved organisation of this pact.")
    )
    co_signers = id_checkboxes(
        COMMITMENT_LABELS["co_signers"],
        _l("Choose approved organisations of this pact."),
    )
    indicator_name = text_field(COMMITMENT_LABELS["indicator_name"], INDICATOR_NAME_MAX)
    indicator_unit = text_field(COMMITMENT_LABELS["indicator_unit"], INDICATOR_UNIT_MAX)
    indicator_baseline = number_field(COMMITMENT_LABELS["indicator_baseline"])
    indicator_target = number_field(COMMITMENT_LABELS["indicator_target"])
    deadline = DateField(
        COMMITMENT_LABELS["deadline"], validators=[InputRequired(message=REQUIRED)]
    )
    support_requested = long_text(
        COMMITMENT_LABELS["support_requested"], COMMITMENT_TEXT_MAX
    )
    support_promised = long_text(
        COMMITMENT_LABELS["support_promised"], COMMITMENT_TEXT_MAX
    )

    def __init__(
        self,
        *args: Any,
        theme_choices: list[tuple[int, str]],
        organisation_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.theme.choices = id_choices(theme_choices, placeholder=True)
        self.lead.choices = id_choices(organisation_choices, placeholder=True)
        self.co_signers.choices = id_choices(organisation_choices)

    def validate_deadline(self, field: Field) -> None:
        first, last = DEADLINE_YEARS
        if field.data is not None and not first <= field.data.year <= last:
            raise ValidationError(
                _l(
                    "Please enter a date between %(first)d and %(last)d.",
                    first=first,
                    last=last,
                )
            )

    def commitment_data(self) -> CommitmentData:
        """The validated values, in the shape the services take."""
        deadline: date | None = self.deadline.data
        if deadline is None or self.theme.data is None or self.lead.data is None:
            raise ValueError("validate the form before reading its data")
        return CommitmentData(
            title=self.title.data or "",
            action=self.action.data or "",
            theme_id=self.theme.data,
            lead_id=self.lead.data,
            co_signer_ids=tuple(self.co_signers.data or ()),
            indicator_name=self.indicator_name.data or "",
            indicator_unit=self.indicator_unit.data or "",
            indicator_baseline=float(self.indicator_baseline.data),
            indicator_target=float(self.indicator_target.data),
            deadline=deadline,
            support_requested=self.support_requested.data or "",
            support_promised=self.support_promised.data or "",
        )


class EditCommitmentForm(CommitmentForm):
    """The edit form also carries the version the official started from."""

    version = IntegerField(
        widget=HiddenInput(),
        validators=[InputRequired(message=REQUIRED), NumberRange(min=1)],
    )

    def start_from(self, version: int) -> None:
        """After a conflict: the next save edits the current version."""
        self.version.data = version
        self.version.raw_data = [str(version)]


def commitment_values(commitment: Any) -> dict[str, Any]:
    """A commitment's current values, as the edit form shows them."""
    data = commitment_data(commitment)
    return {
        "title": data.title,
        "action": data.action,
        "theme": data.theme_id,
        "lead": data.lead_id,
        "co_signers": list(data.co_signer_ids),
        "indicator_name": data.indicator_name,
        "indicator_unit": data.indicator_unit,
        "indicator_baseline": data.indicator_baseline,
        "indicator_target": data.indicator_target,
        "deadline": data.deadline,
        "support_requested": data.support_requested,
        "support_promised": data.support_promised,
        "version": commitment.version,
    }


# --- the compile list --------------------------------------------------------------


class CommitmentFilterForm(FlaskForm):
    """The compile list's filters, read from the query string (GET: no CSRF)."""

    class Meta:
        csrf = False

    theme = SelectField(_l("Theme"), validators=[Optional()])
    status = SelectField(
        _l("Status"),
        choices=[ANY, *choices_of(COMMITMENT_STATUS_LABELS)],
        validators=[Optional()],
    )
    workshop = SelectField(_l("Workshop"), validators=[Optional()])

    def __init__(
        self,
        *args: Any,
        theme_choices: list[tuple[int, str]],
        workshop_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.theme.choices = [ANY, *id_choices(theme_choices)]
        outside = SelectChoice("0", _l("Added outside a workshop"))
        self.workshop.choices = [ANY, outside, *id_choices(workshop_choices)]

    def filters(self) -> dict[str, Any]:
        """The filters that are set and valid (an invalid one is ignored)."""
        values: dict[str, Any] = {}
        for name in ("theme", "status", "workshop"):
            field = self[name]
            if field.data and not field.errors:
                values[name] = field.data if name == "status" else int(field.data)
        return values


class MoveForm(FlaskForm):
    direction = SelectField(
        choices=[SelectChoice("up"), SelectChoice("down")],
        validators=[InputRequired(message=REQUIRED)],
    )

    @property
    def step(self) -> int:
        return -1 if self.direction.data == "up" else 1


class PublishForm(FlaskForm):
    confirm = BooleanField(
        _l("I sign this pact for the public authority and publish it."),
        validators=[
            DataRequired(message=_l("Please tick the box to confirm the publication."))
        ],
    )


class WithdrawForm(FlaskForm):
    reason = long_text(
        _l("Why is the commitment withdrawn? (shown to the public)"),
        REASON_MAX,
        required=True,
    )


# --- programme indicators ----------------------------------------------------------


class ProgrammeIndicatorForm(FlaskForm):
    name = text_field(_l("Name"), INDICATOR_NAME_MAX)
    unit = text_field(_l("Unit (optional)"), INDICATOR_UNIT_MAX, required=False)
    source = RadioField(
        _l("Counted from"),
        choices=choices_of(INDICATOR_SOURCE_LABELS),
        validators=[InputRequired(message=REQUIRED)],
    )
    commitments = id_checkboxes(
        _l("Commitments added up"), _l("Choose commitments of this pact.")
    )
    service = SelectField(
        _l("Service"),
        choices=[CHOOSE, *choices_of(SERVICE_LABELS)],
        validators=[Optional()],
    )
    target = number_field(_l("Target (optional)"), required=False)

    def __init__(
        self, *args: Any, commitment_choices: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.commitments.choices = id_choices(commitment_choices)

    def validate_commitments(self, field: Field) -> None:
        if self.source.data == IndicatorSource.COMMITMENTS and not field.data:
            raise ValidationError(_l("Please choose at least one commitment."))

    def validate_service(self, field: Field) -> None:
        if self.source.data == IndicatorSource.SERVICE and not field.data:
            raise ValidationError(_l("Please choose a service."))

    def validate_target(self, field: Field) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("Please enter a number above zero."))

    def indicator_data(self) -> IndicatorData:
        by_service = self.source.data == IndicatorSource.SERVICE
        return IndicatorData(
            name=self.name.data or "",
            unit=self.unit.data or "",
            source=self.source.data or "",
            commitment_ids=() if by_service else tuple(self.commitments.data or ()),
            service=(self.service.data or None) if by_service else None,
            target=self.target.data,
        )


LABELS: dict[str, Mapping[Any, Any]] = {
    "status": COMMITMENT_STATUS_LABELS,
    "field": COMMITMENT_LABELS,
    "report_frequency": REPORT_FREQUENCY_LABELS,
    "licence": LICENCES,
    "source": INDICATOR_SOURCE_LABELS,
    "service": SERVICE_LABELS,
}
