"""Form pieces every package's forms are built from: trimmed, length-limited text
fields without markup, web addresses, e-mail and phone validators, countries in the
visitor's language, choices from a labels mapping, the bare CSRF-only action form,
the form asking for a new personal link and the registrations list's filters (the
dashboard's and the workshops' bulk enrolment's); and the plain validators socket
payloads and imported rows share."""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import pycountry
from email_validator import EmailNotValidError, validate_email
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    Form,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.form import BaseForm
from wtforms.validators import (
    URL,
    DataRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from core.choices import (
    EMAIL_MAX,
    KIND_LABELS,
    SECTOR_LABELS,
    SERVICE_LABELS,
    SHORT_TEXT_MAX,
    SIZE_LABELS,
    STATUS_LABELS,
    URL_MAX,
)
from core.countries import phone_example
from core.locales import current_pact
from core.validation import (
    FirstError,
    NoMarkup,
    SingleLine,
    lower,
    none_if_empty,
    parse_phone,
    strip,
    with_scheme,
)

REQUIRED = _l("This field is required.")


def too_long(limit: int) -> Any:
    return _l("Please use at most %(max)d characters.", max=limit)


def text_field(
    label: Any, limit: int, required: bool = True, **kwargs: Any
) -> StringField:
    """A one-line text field: trimmed, length-limited, no markup."""
    presence = DataRequired(message=REQUIRED) if required else Optional()
    return StringField(
        label,
        filters=[strip, none_if_empty] if not required else [strip],
        validators=[
            presence,
            Length(max=limit, message=too_long(limit)),
            SingleLine(),
            NoMarkup(),
        ],
        **kwargs,
    )


def text_area_field(label: Any, limit: int, required: bool = False) -> TextAreaField:
    """A paragraph of plain text: trimmed, length-limited, no markup."""
    presence = [DataRequired(message=REQUIRED)] if required else []
    return TextAreaField(
        label,
        filters=[strip],
        validators=[
            *presence,
            Length(max=limit, message=too_long(limit)),
            NoMarkup(),
        ],
    )


def web_address_field(label: Any) -> StringField:
    """An optional http(s) address: length-limited, no other scheme, no markup.

    People write addresses as they see them on a shop front, `www.brutaria.ro`:
    one without a scheme is read as https://. A text input (with the URL keyboard)
    rather than type=url, so that the browser does not refuse what the server takes.
    Each problem is told once: the first check that fails stops the others."""
    return StringField(
        label,
        filters=[strip, none_if_empty, with_scheme],
        validators=[
            Optional(),
            FirstError(
                Length(max=URL_MAX, message=too_long(URL_MAX)),
                NoMarkup(),
                Regexp(
                    r"^https?://",
                    flags=re.IGNORECASE,
                    message=_l("Start the address with http:// or https://."),
                ),
                URL(require_tld=True, message=_l("Please enter a valid web address.")),
            ),
        ],
        render_kw={"inputmode": "url", "spellcheck": "false"},
    )


class CheckedSelectField(SelectField):
    """A select whose answer must be one of its choices, as SelectField requires,
    checked against the set of their values: SelectField's own check builds an
    option for every choice on every validation, which for the 249 countries was
    most of the time an import took to check a row."""

    def pre_validate(self, form: BaseForm) -> None:
        # Its choices are SelectChoice (choices_of, country_choices).
        choices: list[Any] = list(self.choices or [])
        if self.data in {self.coerce(choice.value) for choice in choices}:
            return
        super().pre_validate(form)  # SelectField's refusal, in its words


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __iter__(self) -> Iterator[Any]:
        # `required` on a checkbox means that box must be ticked, so a required group
        # would demand every box: the boxes never carry it, the server checks "at
        # least one" with the group's validator and says so in the page's language.
        for option in super().__iter__():
            option.flags.required = False
            yield option


@cache
def _country_translation(locale: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
    )


def country_choices() -> list[Any]:
    """ISO 3166 countries named in the visitor's language, sorted by that name."""
    return list(_countries(str(get_locale() or "en")))


@cache
def _countries(locale: str) -> tuple[Any, ...]:
    # Built once per language: translating and sorting 249 names was an eighth of
    # each registration's time.
    translate = _country_translation(locale).gettext
    names = [SelectChoice(c.alpha_2, translate(c.name)) for c in pycountry.countries]
    return tuple(sorted(names, key=lambda choice: choice.label.casefold()))


def valid_email(form: Form, field: Field) -> None:
    if not field.data:
        return
    try:
        field.data = validate_email(
            field.data, check_deliverability=False
        ).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationError(_l("Please enter a valid e-mail address.")) from exc


def email_field(label: Any, required: bool = True) -> EmailField:
    """An e-mail address: trimmed, lower-cased, length-limited and checked (optional
    ones may be left empty)."""
    presence = DataRequired(message=REQUIRED) if required else Optional()
    return EmailField(
        label,
        filters=[strip, lower] if required else [strip, lower, none_if_empty],
        validators=[
            presence,
            Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
            valid_email,
        ],
    )


def valid_phone(form: Form, field: Field) -> None:
    """A phone number, read as written in the form's country (by default the
    pact's), stored in E.164; the error gives an example from that country."""
    if not field.data:
        return
    country = form["country"].data if "country" in form else None
    region = country or _pact_country()
    try:
        field.data = parse_phone(field.data, region)
    except ValueError as exc:
        raise ValidationError(
            _l(
                "Please enter a valid phone number, for example %(example)s.",
                example=phone_example(region),
            )
        ) from exc


def _pact_country() -> str | None:
    pact = current_pact()
    return pact.country if pact is not None else None


def choices_of(labels: dict[Any, Any]) -> list[Any]:
    return [SelectChoice(str(key), label) for key, label in labels.items()]


ANY = SelectChoice("", _l("Any"))
# No answer is preselected: a hurried person must not submit a wrong one unnoticed.
CHOOSE = SelectChoice("", _l("Choose…"))


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token to check."""


class ConfirmForm(FlaskForm):
    """A step that cannot be undone: the box must be ticked."""

    confirm = BooleanField(
        _l("I understand that this cannot be undone."),
        validators=[DataRequired(_l("Please tick the box to confirm."))],
    )


class ReversibleConfirmForm(FlaskForm):
    """A step that can be undone later but should not happen by mistake (removing
    someone from a team, deactivating an account): the box must be ticked."""

    confirm = BooleanField(
        _l("Yes, I am sure."),
        validators=[DataRequired(_l("Please tick the box to confirm."))],
    )


class NewLinkForm(FlaskForm):
    email = email_field(_l("Your e-mail address"))


class RegistrationFilterForm(FlaskForm):
    """The dashboard's filters, read from the query string (GET: no CSRF)."""

    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        choices=[ANY, *choices_of(STATUS_LABELS)],
        validators=[Optional()],
    )
    kind = SelectField(
        _l("Kind"),
        choices=[ANY, *choices_of(KIND_LABELS)],
        validators=[Optional()],
    )
    size = SelectField(
        _l("Size"),
        choices=[ANY, *choices_of(SIZE_LABELS)],
        validators=[Optional()],
    )
    sector = SelectField(
        _l("Sector"),
        choices=[ANY, *choices_of(SECTOR_LABELS)],
        validators=[Optional()],
    )
    service = SelectField(
        _l("Service wanted"),
        choices=[ANY, *choices_of(SERVICE_LABELS)],
        validators=[Optional()],
    )
    q = StringField(
        _l("Search"),
        filters=[strip],
        validators=[
            Optional(),
            Length(max=SHORT_TEXT_MAX, message=too_long(SHORT_TEXT_MAX)),
        ],
    )

    def filters(self) -> dict[str, str]:
        """The filters that are set and valid (an invalid one is ignored, not an
        error)."""
        values = {}
        for name in ("status", "kind", "size", "sector", "service", "q"):
            field = self[name]
            if field.data and not field.errors:
                values[name] = field.data
        return values


# Plain validators for socket payloads and imported rows (no messages to translate,
# but the same markup policy as every HTML form's text).
def text(limit: int, required: bool = True) -> StringField:
    presence = DataRequired() if required else Optional()
    return StringField(
        filters=[strip], validators=[presence, Length(max=limit), NoMarkup()]
    )


def finite(form: Form, field: Field) -> None:
    if field.data is not None and (field.data != field.data or abs(field.data) > 1e15):
        raise ValidationError("must be a finite number")
