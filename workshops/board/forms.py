"""Socket payloads validated by WTForms, like the HTML forms: `as_formdata` turns a JSON
payload into form data (scalars to strings, `indicator: {name}` to `indicator-name`,
lists to `cards-0`, …), then the event's form validates it. Limits come from
choices.py, shared with the rules and the HTML forms."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    Field,
    FieldList,
    FloatField,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
)

from core.choices import (
    CARD_TEXT_MAX,
    CID_MAX,
    COMMENT_TEXT_MAX,
    COMMITMENT_TEXT_MAX,
    COMMITMENT_TITLE_MAX,
    INDICATOR_NAME_MAX,
    INDICATOR_UNIT_MAX,
    MERGE_MAX,
    REASON_MAX,
    SOURCE_CARDS_MAX,
    TIMER_MAX_SECONDS,
    CardKind,
)
from core.forms import finite, text
from core.validation import strip
from workshops.board.rules import PHASES, BoardError


def as_formdata(payload: Any) -> MultiDict[str, str]:
    """Flatten a JSON payload into form data; anything but an object is `invalid`."""
    if not isinstance(payload, dict):
        raise BoardError("invalid", "the payload must be an object")
    data: MultiDict[str, str] = MultiDict()
    _flatten(data, "", payload)
    return data


def _flatten(data: MultiDict[str, str], prefix: str, value: Any) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(data, f"{prefix}-{key}" if prefix else str(key), item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(data, f"{prefix}-{index}", item)
    elif isinstance(value, bool):
        data.add(prefix, "true" if value else "false")
    elif value is None:
        data.add(prefix, "")
    elif isinstance(value, int | float | str):
        data.add(prefix, str(value))
    else:
        raise BoardError(
            "invalid", "unsupported value", fields={prefix: "unsupported value"}
        )


class StrictBoolean(Field):
    """`true` or `false` only (a JSON boolean), nothing else."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if not valuelist or valuelist[0] not in ("true", "false"):
            self.data = None
            raise ValueError("must be true or false")
        self.data = valuelist[0] == "true"


class NotBlankWhenGiven:
    """For a partial update: an absent field keeps its value, but a text that is
    given must not be blank (an update cannot empty a card or a commitment title)."""

    def __call__(self, form: Form, field: Field) -> None:
        if not field.raw_data:
            raise StopValidation()
        if not (field.data or "").strip():
            raise StopValidation("must not be empty")


def replacement_text(limit: int) -> StringField:
    return StringField(
        filters=[strip], validators=[NotBlankWhenGiven(), Length(max=limit)]
    )


def required_id() -> IntegerField:
    return IntegerField(validators=[InputRequired(), NumberRange(min=1)])


def optional_id() -> IntegerField:
    return IntegerField(validators=[Optional(), NumberRange(min=1)])


class Mutation(Form):
    cid = StringField(validators=[DataRequired(), Length(min=1, max=CID_MAX)])


class CardCreateForm(Mutation):
    theme = required_id()
    text = text(CARD_TEXT_MAX)
    kind = SelectField(
        choices=[SelectChoice(k) for k in CardKind],
        default="idea",
        validate_choice=True,
    )


class CardUpdateForm(Mutation):
    card = required_id()
    version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    text = replacement_text(CARD_TEXT_MAX)
    theme = optional_id()
    kind = SelectField(
        choices=[SelectChoice(""), *[SelectChoice(k) for k in CardKind]],
        validators=[Optional()],
    )


class CardDeleteForm(Mutation):
    card = required_id()
    version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])


class CardMoveForm(CardDeleteForm):
    theme = optional_id()
    cluster = optional_id()


class CommentAddForm(Mutation):
    card = required_id()
    text = text(COMMENT_TEXT_MAX)


class VoteForm(Mutation):
    card = required_id()


class IndicatorForm(Form):
    name = text(INDICATOR_NAME_MAX)
    unit = text(INDICATOR_UNIT_MAX)
    baseline = FloatField(validators=[InputRequired(), finite])
    target = FloatField(validators=[InputRequired(), finite])


class CommitmentCreateForm(Mutation):
    title = text(COMMITMENT_TITLE_MAX)
    action = text(COMMITMENT_TEXT_MAX, required=False)
    theme = required_id()
    lead = required_id()
    indicator = FormField(IndicatorForm)
    deadline = DateField(validators=[InputRequired()])
    support_requested = text(COMMITMENT_TEXT_MAX, required=False)
    source_cards = FieldList(
        IntegerField(validators=[NumberRange(min=1)]), max_entries=SOURCE_CARDS_MAX
    )


class CommitmentUpdateForm(Mutation):
    """Any field of the create form; absent fields keep their value."""

    partial = True

    commitment = required_id()
    version = IntegerField(validators=[InputRequired(), NumberRange(min=1)])
    title = replacement_text(COMMITMENT_TITLE_MAX)
    action = StringField(filters=[strip], validators=[Length(max=COMMITMENT_TEXT_MAX)])
    theme = optional_id()
    lead = optional_id()
    indicator = FormField(IndicatorForm)
    deadline = DateField(validators=[Optional()])
    support_requested = StringField(
        filters=[strip], validators=[Length(max=COMMITMENT_TEXT_MAX)]
    )
    source_cards = FieldList(
        IntegerField(validators=[NumberRange(min=1)]), max_entries=SOURCE_CARDS_MAX
    )


class CommitmentSignForm(Mutation):
    commitment = required_id()


class BoardPhaseForm(Mutation):
    phase = SelectField(
        choices=[SelectChoice(p) for p in PHASES], validators=[InputRequired()]
    )


class BoardLockForm(Mutation):
    locked = StrictBoolean()


class BoardTimerForm(Mutation):
    seconds = IntegerField(
        validators=[Optional(), NumberRange(min=1, max=TIMER_MAX_SECONDS)]
    )


class CardHideForm(Mutation):
    card = required_id()
    hidden = StrictBoolean()


class CardMergeForm(Mutation):
    cards = FieldList(
        IntegerField(validators=[InputRequired(), NumberRange(min=1)]),
        min_entries=1,
        max_entries=MERGE_MAX,
    )
    into = required_id()


class ParticipantRemoveForm(Mutation):
    person = required_id()
    reason = StringField(filters=[strip], validators=[Length(max=REASON_MAX)])


class JoinForm(Form):
    since = IntegerField(validators=[Optional(), NumberRange(min=0)])


FORMS: dict[str, type[Form]] = {
    "card:create": CardCreateForm,
    "card:update": CardUpdateForm,
    "card:delete": CardDeleteForm,
    "card:move": CardMoveForm,
    "comment:add": CommentAddForm,
    "vote:cast": VoteForm,
    "vote:retract": VoteForm,
    "commitment:create": CommitmentCreateForm,
    "commitment:update": CommitmentUpdateForm,
    "commitment:sign": CommitmentSignForm,
    "board:phase": BoardPhaseForm,
    "board:lock": BoardLockForm,
    "board:timer": BoardTimerForm,
    "card:hide": CardHideForm,
    "card:merge": CardMergeForm,
    "participant:remove": ParticipantRemoveForm,
}


SCALARS = (str, int, float, bool, type(None))


def _expected_shape(field: Any) -> type | tuple[type, ...]:
    """What JSON value a form field takes: an object for a FormField, a list for a
    FieldList, a JSON boolean for StrictBoolean, a scalar for the rest."""
    kind = field.field_class
    if issubclass(kind, FormField):
        return dict
    if issubclass(kind, FieldList):
        return list
    if issubclass(kind, StrictBoolean):
        return bool
    return SCALARS


def check_shapes(form_class: type[Form], payload: Any) -> None:
    """Refuse values of the wrong JSON type instead of letting `as_formdata` flatten
    them into keys no field reads (which silently turns them into "absent")."""
    if not isinstance(payload, dict):
        return
    wrong = {
        name: "wrong type"
        for name, value in payload.items()
        if (field := getattr(form_class, name, None)) is not None
        and hasattr(field, "field_class")
        and not isinstance(value, _expected_shape(field))
    }
    if wrong:
        raise BoardError("invalid", "the request is not valid", fields=wrong)


def validate_payload(event: str, payload: Any) -> dict[str, Any]:
    """The validated data of `payload` for `event`, or BoardError invalid with the
    fields at fault. Keys absent from the payload are absent from the result, so an
    update changes only what it names (`cluster: null` is present, and None)."""
    check_shapes(FORMS[event], payload)
    form = FORMS[event](formdata=as_formdata(payload))
    if getattr(form, "partial", False) and isinstance(payload, dict):
        keep = {"cid", "commitment", "version"}
        for name in [name for name in form._fields if name not in set(payload) | keep]:
            del form[name]
    if not form.validate():
        raise BoardError(
            "invalid", "the request is not valid", fields=_field_errors(form.errors)
        )
    present = set(payload)
    return {name: value for name, value in form.data.items() if name in present}


def validate_join(payload: Any) -> int | None:
    form = JoinForm(formdata=as_formdata(payload))
    if not form.validate():
        raise BoardError(
            "invalid", "the request is not valid", fields=_field_errors(form.errors)
        )
    return (
        form.since.data if "since" in payload and payload["since"] is not None else None
    )


def _field_errors(errors: dict[str, Any]) -> dict[str, str]:
    flat: dict[str, str] = {}
    for name, value in errors.items():
        if isinstance(value, dict):
            for sub, message in _field_errors(value).items():
                flat[f"{name}.{sub}"] = message
        elif isinstance(value, list) and value and isinstance(value[0], list | dict):
            flat[name] = "invalid item"
        elif isinstance(value, list) and value:
            flat[name] = str(value[0])
    return flat
