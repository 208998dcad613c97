"""The administrator's forms: a pact's settings (a new pact's also take its slug),
with one title field for each of the project's languages, of which the chosen default
language's is required; and a theme's names, one field for each of the pact's
languages. The classes are made per call, as the languages are the installation's
and the pact's own."""

from __future__ import annotations

from functools import cache
from typing import Any
from zoneinfo import available_timezones

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import InputRequired, Length, Regexp, ValidationError

from core.forms import (
    CHOOSE,
    REQUIRED,
    MultiCheckboxField,
    choices_of,
    country_choices,
    text_field,
    too_long,
)
from core.models import Pact, PactStatus, Theme
from core.pacts import SLUG, theme_label
from pacts.admin.settings import TERRITORY_MAX, TITLE_MAX, PactSettings
from pacts.admin.themes import DOWN, THEME_NAME_MAX, UP
from pacts.document_form import language_name
from pacts.forms import LICENCES, REPORT_FREQUENCY_LABELS

SLUG_MAX = 60
PACT_STATUS_LABELS: dict[str, Any] = {
    PactStatus.CO_CREATION: _l("Co-creation"),
    PactStatus.PUBLISHED: _l("Published"),
    PactStatus.MONITORING: _l("Monitoring"),
}


@cache
def timezone_choices() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))


def title_field_name(language: str) -> str:
    return f"title_{language}"


def name_field_name(language: str) -> str:
    return f"name_{language}"


class PactSettingsForm(FlaskForm):
    territory = text_field(_l("Territory"), TERRITORY_MAX)
    country = SelectField(_l("Country"), validators=[InputRequired(message=REQUIRED)])
    languages = MultiCheckboxField(_l("Languages of the pact"))
    default_language = SelectField(
        _l("Default language"), validators=[InputRequired(message=REQUIRED)]
    )
    timezone = SelectField(
        _l("Timezone"),
        choices=[CHOOSE, *(SelectChoice(zone) for zone in timezone_choices())],
        validators=[InputRequired(message=REQUIRED)],
    )
    report_frequency = SelectField(
        _l("Progress reports are due"),
        choices=[CHOOSE, *choices_of(REPORT_FREQUENCY_LABELS)],
        validators=[InputRequired(message=REQUIRED)],
    )
    licence = SelectField(
        _l("Licence of the open data"),
        choices=[CHOOSE, *choices_of(LICENCES)],
        validators=[InputRequired(message=REQUIRED)],
    )
    # Set by `settings_form`: the project's languages, in its order.
    project_languages: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = [CHOOSE, *country_choices()]
        named = [
            SelectChoice(code, language_name(code)) for code in self.project_languages
        ]
        self.languages.choices = named
        self.default_language.choices = [CHOOSE, *named]

    def validate_languages(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_l("Please choose at least one language."))

    def validate_default_language(self, field: Field) -> None:
        if field.data and field.data not in (self.languages.data or []):
            raise ValidationError(
                _l("The default language must be one of the pact's languages.")
            )

    def validate(self, extra_validators: Any = None) -> bool:
        valid: bool = super().validate(extra_validators)
        default = self.default_language.data
        if default in self.project_languages:
            title = self[title_field_name(default)]
            if not title.data and not title.errors:
                title.errors = [
                    _l("Please give the pact a title in its default language.")
                ]
                valid = False
        return valid

    def title_fields(self) -> list[Field]:
        return [self[title_field_name(code)] for code in self.project_languages]

    def settings(self) -> PactSettings:
        languages = tuple(
            code
            for code in self.project_languages
            if code in (self.languages.data or [])
        )
        return PactSettings(
            territory=self.territory.data or "",
            country=self.country.data or "",
            languages=languages,
            default_language=self.default_language.data or "",
            timezone=self.timezone.data or "",
            report_frequency=self.report_frequency.data or "",
            licence=self.licence.data or "",
            titles={
                code: self[title_field_name(code)].data or "" for code in languages
            },
        )


class NewPactForm(PactSettingsForm):
    slug = StringField(
        _l("Address (slug)"),
        description=_l(
            "Lowercase letters, digits and dashes; it is part of the pact's web "
            "address and cannot be changed later."
        ),
        filters=[lambda value: value.strip().lower() if value else value],
        validators=[
            InputRequired(message=REQUIRED),
            Length(max=SLUG_MAX, message=too_long(SLUG_MAX)),
            Regexp(
                SLUG,
                message=_l(
                    "Please use lowercase letters, digits and dashes, starting "
                    "and ending with a letter or a digit."
                ),
            ),
        ],
    )


def settings_form(
    form_class: type[PactSettingsForm], languages: list[str], **kwargs: Any
) -> Any:
    """The settings form with a title field for each of the project's languages."""
    fields: dict[str, Any] = {"project_languages": tuple(languages)}
    for code in languages:
        fields[title_field_name(code)] = text_field(
            _l("Title in %(language)s", language=language_name(code)),
            TITLE_MAX,
            required=False,
            render_kw={"lang": code},
        )
    made = type(f"{form_class.__name__}WithTitles", (form_class,), fields)
    return made(**kwargs)


def settings_values(pact: Pact) -> dict[str, Any]:
    """The pact's settings, as the form shows them."""
    values: dict[str, Any] = {
        "territory": pact.territory,
        "country": pact.country,
        "languages": pact.language_list,
        "default_language": pact.default_language,
        "timezone": pact.timezone,
        "report_frequency": pact.report_frequency,
        "licence": pact.licence,
    }
    for code in pact.language_list:
        values[title_field_name(code)] = pact.given_text("title", code) or ""
    return values


class ThemeNamesForm(FlaskForm):
    # Set by `theme_form`: the pact's languages, the default one first.
    pact_languages: tuple[str, ...] = ()

    def name_fields(self) -> list[Field]:
        return [self[name_field_name(code)] for code in self.pact_languages]

    def names(self) -> dict[str, str]:
        return {
            code: self[name_field_name(code)].data or "" for code in self.pact_languages
        }


def theme_form(pact: Pact, **kwargs: Any) -> Any:
    """A theme's names in each of the pact's languages (the default one required)."""
    fields: dict[str, Any] = {"pact_languages": tuple(pact.language_list)}
    for code in pact.language_list:
        fields[name_field_name(code)] = text_field(
            _l("Name in %(language)s", language=language_name(code)),
            THEME_NAME_MAX,
            required=code == pact.default_language,
            render_kw={"lang": code},
        )
    made = type("ThemeNamesFormFor", (ThemeNamesForm,), fields)
    return made(**kwargs)


def theme_values(theme: Theme) -> dict[str, str]:
    """The theme's names as they are shown in each of the pact's languages."""
    return {
        name_field_name(code): theme_label(theme, code)
        for code in theme.pact.language_list
    }


class MoveThemeForm(FlaskForm):
    direction = SelectField(
        choices=[SelectChoice(UP), SelectChoice(DOWN)],
        validators=[InputRequired(message=REQUIRED)],
    )
