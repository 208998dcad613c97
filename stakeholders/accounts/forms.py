"""Forms of staff accounts: inviting a person to a pact's team, changing a member's
role, "Forgot your password?", and choosing a password from an e-mailed link (an
invitation also confirms the name)."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from core.choices import NAME_MAX, PASSWORD_MIN, STAFF_ROLE_LABELS
from core.forms import CHOOSE, REQUIRED, choices_of, email_field, text_field, too_long
from core.locales import language_name
from core.models import Pact

PASSWORD_MAX = 200
CHOOSE_ROLE = _l("Please choose a role.")


def role_field() -> SelectField:
    return SelectField(
        _l("Role in this pact"),
        choices=[CHOOSE, *choices_of(STAFF_ROLE_LABELS)],
        validators=[InputRequired(message=CHOOSE_ROLE)],
        validate_choice=True,
    )


class InviteForm(FlaskForm):
    name = text_field(_l("Name"), NAME_MAX)
    email = email_field(_l("E-mail"))
    role = role_field()
    language = SelectField(
        _l("Language of the invitation"),
        validators=[InputRequired(message=_l("Please choose a language."))],
    )

    def __init__(self, pact: Pact, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language.choices = [
            (code, language_name(code)) for code in pact.language_list
        ]
        if not self.language.data:
            self.language.data = pact.default_language

    def validate_role(self, field: Any) -> None:
        if not field.data:
            raise ValueError(str(CHOOSE_ROLE))


class RoleForm(FlaskForm):
    role = role_field()

    def validate_role(self, field: Any) -> None:
        if not field.data:
            raise ValueError(str(CHOOSE_ROLE))


class ForgotPasswordForm(FlaskForm):
    email = email_field(_l("E-mail"))


def _new_password() -> PasswordField:
    return PasswordField(
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


def _confirmation() -> PasswordField:
    return PasswordField(
        _l("New password, again"),
        validators=[
            DataRequired(message=REQUIRED),
            EqualTo("password", message=_l("The two new passwords differ.")),
        ],
    )


class NewPasswordForm(FlaskForm):
    password = _new_password()
    confirm_password = _confirmation()


class AcceptInvitationForm(FlaskForm):
    name = text_field(_l("Your name"), NAME_MAX)
    password = _new_password()
    confirm_password = _confirmation()
