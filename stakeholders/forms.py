"""Forms of the stakeholders package: the public registration form (and the same fields
reused, without CSRF or consent, to validate imported rows), the officials' filters and
decisions, and staff login."""

from __future__ import annotations

import gettext
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
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from core.choices import (
    EMAIL_MAX,
    KIND_LABELS,
    MOTIVATION_MAX,
    NAME_MAX,
    PHONE_MAX,
    REASON_MAX,
    REGISTRATION_NUMBER_MAX,
    SECTOR_LABELS,
    SERVICE_LABELS,
    SHORT_TEXT_MAX,
    SIZE_LABELS,
    STATUS_LABELS,
    URL_MAX,
)
from core.validation import (
    NoMarkup,
    SingleLine,
    lower,
    none_if_empty,
    parse_phone,
    strip,
)

REQUIRED = _l("This field is required.")


def too_long(limit: int) -> Any:
    return _l("Please keep this under %(max)d characters.", max=limit + 1)


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


def web_address_field(label: Any) -> URLField:
    """An optional http(s) address: length-limited, no other scheme, no markup."""
    return URLField(
        label,
        filters=[strip, none_if_empty],
        validators=[
            Optional(),
            Length(max=URL_MAX, message=too_long(URL_MAX)),
            Regexp(
                r"^https?://", message=_l("Start the address with http:// or https://.")
            ),
            URL(require_tld=True, message=_l("Please enter a valid web address.")),
            NoMarkup(),
        ],
    )


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


@cache
def _country_translation(locale: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[locale], fallback=True
    )


def country_choices() -> list[Any]:
    """ISO 3166 countries named in the visitor's language, sorted by that name."""
    translate = _country_translation(str(get_locale() or "en")).gettext
    names = [SelectChoice(c.alpha_2, translate(c.name)) for c in pycountry.countries]
    return sorted(names, key=lambda choice: choice.label.casefold())


def valid_email(form: Form, field: Field) -> None:
    if not field.data:
        return
    try:
        field.data = validate_email(
            field.data, check_deliverability=False
        ).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationError(_l("Please enter a valid e-mail address.")) from exc


def valid_phone(form: Form, field: Field) -> None:
    if not field.data:
        return
    try:
        field.data = parse_phone(field.data, form["country"].data)
    except ValueError as exc:
        raise ValidationError(
            _l("Please enter a valid phone number, e.g. +40 721 234 567.")
        ) from exc


def choices_of(labels: dict[Any, Any]) -> list[Any]:
    return [SelectChoice(str(key), label) for key, label in labels.items()]


ANY = SelectChoice("", _l("Any"))
# No answer is preselected: a hurried person must not submit a wrong one unnoticed.
CHOOSE = SelectChoice("", _l("Choose…"))


class StakeholderForm(FlaskForm):
    """A registration's data: organisation, contact person, services and themes
    wanted."""

    organisation_name = text_field(_l("Organisation name"), NAME_MAX)
    kind = SelectField(
        _l("Kind of organisation"),
        choices=[CHOOSE, *choices_of(KIND_LABELS)],
        validators=[InputRequired(message=REQUIRED)],
    )
    size = SelectField(
        _l("Size (employees)"),
        choices=[CHOOSE, *choices_of(SIZE_LABELS)],
        validators=[InputRequired(message=REQUIRED)],
    )
    sector = SelectField(
        _l("Sector of activity (NACE)"),
        choices=[CHOOSE, *choices_of(SECTOR_LABELS)],
        validators=[InputRequired(message=REQUIRED)],
    )
    locality = text_field(_l("Locality"), SHORT_TEXT_MAX)
    region = text_field(_l("County / region"), SHORT_TEXT_MAX)
    country = SelectField(_l("Country"), validators=[InputRequired(message=REQUIRED)])
    registration_number = StringField(
        _l("Registration number (optional)"),
        filters=[strip, none_if_empty],
        validators=[
            Optional(),
            Length(
                max=REGISTRATION_NUMBER_MAX, message=too_long(REGISTRATION_NUMBER_MAX)
            ),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9 ./-]*$",
                message=_l(
                    "Use only letters, digits, spaces, dots, slashes and dashes."
                ),
            ),
        ],
    )
    website = web_address_field(_l("Website (optional)"))
    contact_name = text_field(_l("Your name"), SHORT_TEXT_MAX)
    contact_position = text_field(
        _l("Your position (optional)"), SHORT_TEXT_MAX, required=False
    )
    contact_email = EmailField(
        _l("E-mail"),
        filters=[strip, lower],
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=EMAIL_MAX, message=too_long(EMAIL_MAX)),
            valid_email,
        ],
    )
    contact_phone = StringField(
        _l("Phone (optional)"),
        filters=[strip, none_if_empty],
        validators=[
            Optional(),
            Length(max=PHONE_MAX, message=too_long(PHONE_MAX)),
            valid_phone,
        ],
    )
    services = MultiCheckboxField(
        _l("Services you are interested in"),
        choices=choices_of(SERVICE_LABELS),
        validators=[DataRequired(message=_l("Please choose at least one service."))],
    )
    themes = MultiCheckboxField(
        _l("Themes of interest"),
        validators=[DataRequired(message=_l("Please choose at least one theme."))],
    )
    motivation = TextAreaField(
        _l("What would you like to achieve? (optional)"),
        filters=[strip],
        validators=[
            Length(max=MOTIVATION_MAX, message=too_long(MOTIVATION_MAX)),
            NoMarkup(),
        ],
    )

    def __init__(self, *args: Any, theme_choices: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = country_choices()
        self.themes.choices = [SelectChoice(key, label) for key, label in theme_choices]

    def registration_data(self) -> dict[str, Any]:
        """The validated values, in the shape the services take."""
        return {name: self[name].data for name in StakeholderForm.field_names()}

    @classmethod
    def field_names(cls) -> list[str]:
        return [
            "organisation_name",
            "kind",
            "size",
            "sector",
            "locality",
            "region",
            "country",
            "registration_number",
            "website",
            "contact_name",
            "contact_position",
            "contact_email",
            "contact_phone",
            "services",
            "themes",
            "motivation",
        ]


class RegistrationForm(StakeholderForm):
    """The public form: the registration plus consent and an anti-spam honeypot."""

    consent = BooleanField(
        validators=[
            DataRequired(message=_l("Please agree to the processing of your data."))
        ]
    )
    consent_version = HiddenField()
    # Hidden from people by CSS; bots fill every field they find.
    fax_number = StringField(_l("Leave this field empty"))


class DecisionForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional, sent to the applicant)"),
        filters=[strip],
        validators=[Length(max=REASON_MAX, message=too_long(REASON_MAX)), NoMarkup()],
    )


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


class LoginForm(FlaskForm):
    email = EmailField(
        _l("E-mail"),
        filters=[strip, lower],
        validators=[DataRequired(message=REQUIRED), Length(max=EMAIL_MAX)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=REQUIRED), Length(max=200)]
    )
