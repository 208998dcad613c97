"""Forms of the stakeholders package: the public registration form (and the same fields
reused, without CSRF or consent, to validate imported rows), the officials' filters and
decisions, staff login (with a password or an e-mailed link) and the password
change."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    Optional,
    Regexp,
)

from core.choices import (
    KIND_LABELS,
    MOTIVATION_MAX,
    NAME_MAX,
    PASSWORD_MIN,
    PHONE_MAX,
    REGISTRATION_NUMBER_MAX,
    SECTOR_LABELS,
    SERVICE_LABELS,
    SHORT_TEXT_MAX,
    SIZE_LABELS,
)
from core.forms import (
    CHOOSE,
    REQUIRED,
    CheckedSelectField,
    MultiCheckboxField,
    choices_of,
    country_choices,
    email_field,
    text_field,
    too_long,
    valid_phone,
    web_address_field,
)
from core.validation import (
    NoMarkup,
    none_if_empty,
    strip,
)
from stakeholders.registrations import FIELD_LABELS

PASSWORD_MAX = 200


class StakeholderForm(FlaskForm):
    """A registration's data: organisation, contact person, services and themes
    wanted."""

    organisation_name = text_field(_l("Organisation name"), NAME_MAX)
    kind = CheckedSelectField(
        _l("Kind of organisation"),
        choices=[CHOOSE, *choices_of(KIND_LABELS)],
        validators=[InputRequired(message=REQUIRED)],
    )
    size = CheckedSelectField(
        _l("Size (employees)"),
        choices=[CHOOSE, *choices_of(SIZE_LABELS)],
        validators=[InputRequired(message=REQUIRED)],
    )
    sector = CheckedSelectField(
        _l("Sector of activity (NACE)"),
        choices=[CHOOSE, *choices_of(SECTOR_LABELS)],
        validators=[InputRequired(message=REQUIRED)],
    )
    locality = text_field(_l("Locality"), SHORT_TEXT_MAX)
    region = text_field(_l("County / region"), SHORT_TEXT_MAX)
    country = CheckedSelectField(
        _l("Country"), validators=[InputRequired(message=REQUIRED)]
    )
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
    contact_email = email_field(_l("E-mail"))
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


class RegistrationEditForm(StakeholderForm):
    """An official's edit of a registration: the public form's fields and rules,
    labelled for the official rather than the applicant."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in FIELD_LABELS.items():
            self[name].label.text = label


class DigestForm(FlaskForm):
    """A staff member's choice of the daily digest of waiting registrations."""

    daily_digest = BooleanField(
        _l("E-mail me once a day when registrations wait for a decision")
    )


class RegistrationForm(StakeholderForm):
    """The public form: the registration plus consent and an anti-spam honeypot."""

    consent = BooleanField(
        _l("Consent"),
        validators=[
            DataRequired(message=_l("Please agree to the processing of your data."))
        ],
    )
    consent_version = HiddenField()
    # Hidden from people by CSS; bots fill every field they find.
    fax_number = StringField(_l("Leave this field empty"))


class LoginForm(FlaskForm):
    email = email_field(_l("E-mail"))
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=PASSWORD_MAX, message=too_long(PASSWORD_MAX)),
        ],
    )


class LoginLinkForm(FlaskForm):
    """ "E-mail me a login link"; on the login page under the prefix `link`."""

    email = email_field(_l("E-mail"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(max=PASSWORD_MAX, message=too_long(PASSWORD_MAX)),
        ],
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(message=REQUIRED),
            Length(
                min=PASSWORD_MIN,
                message=_l(
                    "The password needs at least %(num)d characters.", num=PASSWORD_MIN
                ),
            ),
            Length(max=PASSWORD_MAX, message=too_long(PASSWORD_MAX)),
        ],
    )
    confirm_password = PasswordField(
        _l("New password, again"),
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
    )
