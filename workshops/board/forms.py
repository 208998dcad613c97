"""Socket payloads validated by WTForms, like the HTML forms: `as_formdata` turns a JSON
payload into form data (scalars to strings, `indicator: {name}` to `indicator-name`,
lists to `cards-0`, …), then the event's form validates it. Limits come from
choices.py, shared with the rules and the HTML forms; text takes the HTML forms' one
markup policy (`NoMarkup`), ids are JSON integers up to `ID_MAX`, and no string may
hold what a database cannot store (a lone surrogate, NUL)."""

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
    BREAKOUT_GROUPS_MAX,
    BREAKOUT_GROUPS_MIN,
    CARD_TEXT_MAX,
    CID_MAX,
    COMMENT_TEXT_MAX,
    COMMITMENT_TEXT_MAX,
    COMMITMENT_TITLE_MAX,
    ID_MAX,
    INDICATOR_NAME_MAX,
    INDICATOR_UNIT_MAX,
    MERGE_MAX,
    REASON_MAX,
    SOURCE_CARDS_MAX,
    SPOTLIGHT_TYPES,
    TIMER_MAX_SECONDS,
    VOTE_BUDGET_MAX,
    BreakoutMode,
    CardKind,
)
from core.forms import finite, text
from core.validation import NoMarkup, storable_text_problem, strip
from workshops.board.payload_shapes import StrictBoolean, check_shapes, typed_values
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
            name = f"{prefix}-{key}" if prefix else str(key)
            _refuse_unstorable(name, name)
            _flatten(data, name, item)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _flatten(data, f"{prefix}-{index}", item)
    elif isinstance(value, bool):
        data.add(prefix, "true" if value else "false")
    elif value is None:
        data.add(prefix, "")
    elif isinstance(value, str):
        _refuse_unstorable(prefix, value)
        data.add(prefix, value)
    elif isinstance(value, int | float):
        data.add(prefix, str(value))
    else:
        raise BoardError(
            "invalid", "unsupported value", fields={prefix: "unsupported value"}
        )


def _refuse_unstorable(name: str, value: str) -> None:
    """A key or a string no database can store (a lone surrogate, NUL) is
    `invalid`, named: it never reaches a query."""
    problem = storable_text_problem(value)
    if problem is not None:
        shown = name.replace("-", ".").encode("utf-8", "backslashreplace").decode()
        raise BoardError("invalid", "the request is not valid", fields={shown: problem})


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
        filters=[strip],
        validators=[NotBlankWhenGiven(), Length(max=limit), NoMarkup()],
    )


def optional_text(limit: int) -> StringField:
    """Text that may be empty (an update's `""` empties it)."""
    return StringField(filters=[strip], validators=[Length(max=limit), NoMarkup()])


def an_id() -> NumberRange:
    """Ids and versions: what an integer column holds, from 1."""
    return NumberRange(min=1, max=ID_MAX)


def required_id() -> IntegerField:
    return IntegerField(validators=[InputRequired(), an_id()])


def optional_id() -> IntegerField:
    return IntegerField(validators=[Optional(), an_id()])


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
    version = required_id()
    text = replacement_text(CARD_TEXT_MAX)
    theme = optional_id()
    kind = SelectField(
        choices=[SelectChoice(""), *[SelectChoice(k) for k in CardKind]],
        validators=[Optional()],
    )


class CardDeleteForm(Mutation):
    card = required_id()
    version = required_id()


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
        IntegerField(validators=[an_id()]), max_entries=SOURCE_CARDS_MAX
    )


class CommitmentUpdateForm(Mutation):
    """Any field of the create form; absent fields keep their value."""

    partial = True

    commitment = required_id()
    version = required_id()
    title = replacement_text(COMMITMENT_TITLE_MAX)
    action = optional_text(COMMITMENT_TEXT_MAX)
    theme = optional_id()
    lead = optional_id()
    indicator = FormField(IndicatorForm)
    deadline = DateField(validators=[Optional()])
    support_requested = optional_text(COMMITMENT_TEXT_MAX)
    source_cards = FieldList(
        IntegerField(validators=[an_id()]), max_entries=SOURCE_CARDS_MAX
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
        IntegerField(validators=[InputRequired(), an_id()]),
        min_entries=1,
        max_entries=MERGE_MAX,
    )
    into = required_id()


class ParticipantRemoveForm(Mutation):
    person = required_id()
    reason = optional_text(REASON_MAX)


class VoteSettingsForm(Mutation):
    budget = IntegerField(
        validators=[InputRequired(), NumberRange(min=1, max=VOTE_BUDGET_MAX)]
    )
    # Absent: the budget (no limit per card beyond it); more than the budget is
    # refused by the rules, which know the budget.
    per_card = IntegerField(
        validators=[Optional(), NumberRange(min=1, max=VOTE_BUDGET_MAX)]
    )


class VoteRevealForm(Mutation):
    revealed = StrictBoolean()


class SpotlightTargetForm(Form):
    type = SelectField(
        choices=[SelectChoice(kind) for kind in SPOTLIGHT_TYPES],
        validators=[InputRequired()],
    )
    id = required_id()


class BoardSpotlightForm(Mutation):
    # `target: null` releases the spotlight; absent is invalid.
    nullable = ("target",)

    target = FormField(SpotlightTargetForm)


class BreakoutStartForm(Mutation):
    """`assignment` (manual mode) is read by breakout_forms.py."""

    groups = IntegerField(
        validators=[
            InputRequired(),
            NumberRange(min=BREAKOUT_GROUPS_MIN, max=BREAKOUT_GROUPS_MAX),
        ]
    )
    mode = SelectField(
        choices=[SelectChoice(mode) for mode in BreakoutMode],
        default=BreakoutMode.RANDOM,
        validate_choice=True,
    )


class JoinForm(Form):
    since = IntegerField(validators=[Optional(), NumberRange(min=0, max=ID_MAX)])


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
    "vote:settings": VoteSettingsForm,
    "vote:reveal": VoteRevealForm,
    "board:spotlight": BoardSpotlightForm,
    "breakout:start": BreakoutStartForm,
    "breakout:end": Mutation,
}


def typed_form_values(event: str, values: dict[str, Any]) -> dict[str, Any]:
    """A posted HTML form's strings (the board's forms without JavaScript) as the
    JSON values the event's fields take: ids and numbers written out become
    numbers; anything else stays a string, which validation then refuses."""
    return typed_values(FORMS[event], values)


def validate_payload(event: str, payload: Any) -> dict[str, Any]:
    """The validated data of `payload` for `event`, or BoardError invalid with the
    fields at fault. Keys absent from the payload are absent from the result, so an
    update changes only what it names (`cluster: null` is present, and None)."""
    nulls = _given_nulls(FORMS[event], payload)
    payload = {k: v for k, v in payload.items() if k not in nulls}
    check_shapes(FORMS[event], payload)
    form = FORMS[event](formdata=as_formdata(payload))
    for name in nulls:
        del form[name]
    if getattr(form, "partial", False) and isinstance(payload, dict):
        keep = {"cid", "commitment", "version"}
        for name in [name for name in form._fields if name not in set(payload) | keep]:
            del form[name]
    if not form.validate():
        raise BoardError(
            "invalid", "the request is not valid", fields=_field_errors(form.errors)
        )
    present = set(payload)
    data = {name: value for name, value in form.data.items() if name in present}
    return data | dict.fromkeys(nulls)


def _given_nulls(form_class: type[Form], payload: Any) -> set[str]:
    """The form's nullable fields (an object, or null to clear it) given as null."""
    if not isinstance(payload, dict):
        raise BoardError("invalid", "the payload must be an object")
    nullable = getattr(form_class, "nullable", ())
    return {name for name in nullable if name in payload and payload[name] is None}


def validate_join(payload: Any) -> int | None:
    form = _validated(JoinForm, payload)
    return (
        form.since.data if "since" in payload and payload["since"] is not None else None
    )


class ClusterSuggestForm(Form):
    theme = optional_id()


def validate_cluster_suggest(payload: Any) -> int | None:
    """The theme a `cluster:suggest` asks about (None: every theme)."""
    form = _validated(ClusterSuggestForm, payload)
    theme: int | None = form.theme.data
    return theme


def _validated(form_class: type[Form], payload: Any) -> Any:
    check_shapes(form_class, payload)
    form = form_class(formdata=as_formdata(payload))
    if not form.validate():
        raise BoardError(
            "invalid", "the request is not valid", fields=_field_errors(form.errors)
        )
    return form


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
