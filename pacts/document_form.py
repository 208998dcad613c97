"""The form of the pact document (an official's page): the pact's texts in each of
its languages, one group of fields per language (the default language's title is
required, every other text optional: a text not given is read in the default
language), with its themes' names; then its partners, signing authority, reporting
schedule, open-data licence and rule for signing commitments. The form class is made
for a pact, as its languages and themes are its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from babel import Locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, SelectField
from wtforms.validators import InputRequired, ValidationError

from core.choices import NAME_MAX
from core.forms import REQUIRED, choices_of, text_field
from core.models import PACT_TEXT_FIELDS, THEME_TEXT, Pact
from core.pacts import theme_label
from pacts.forms import LICENCES, REPORT_FREQUENCY_LABELS, long_text
from pacts.publishing import PactDocumentData, text_fields

DOCUMENT_TEXT_MAX = 10_000
PARTNERS_MAX = 5_000
# As long as the database keeps them (pact.title, theme.name).
TITLE_MAX = 200
THEME_NAME_MAX = 120
# The document's fields kept on the pact whatever its languages.
DOCUMENT_FIELDS = (
    "partners",
    "authority_name",
    "report_frequency",
    "licence",
)
TEXT_LABELS: dict[str, Any] = {
    "title": _l("Title"),
    "introduction": _l("Introduction"),
    "governance": _l("Governance"),
}


def language_name(code: str) -> str:
    """A language named in itself ("Italiano", "Română")."""
    return (Locale.parse(code).get_display_name(code) or code).title()


def field_name(text: str, language: str, default: bool) -> str:
    """The form field of a text in a language: `title` and `theme-energy` in the
    default language, `en-title` and `en-theme-energy` in another."""
    name = text.replace(THEME_TEXT, "theme-")
    return name if default else f"{language}-{name}"


@dataclass(frozen=True)
class LanguageGroup:
    """The fields of one language, as the page shows them."""

    language: str
    name: str
    default: bool
    # The title, introduction and governance, then the theme names: text -> field.
    texts: dict[str, str]
    themes: dict[str, str]


class PactDocumentForm(FlaskForm):  # type: ignore[misc]
    partners = long_text(_l("Partners"), PARTNERS_MAX)
    authority_name = text_field(
        _l("Public authority that signs the pact"), NAME_MAX, required=False
    )
    report_frequency = SelectField(
        _l("Progress reports are due"),
        choices=choices_of(REPORT_FREQUENCY_LABELS),
        validators=[InputRequired(message=REQUIRED)],
    )
    licence = SelectField(
        _l("Licence of the open data"),
        choices=choices_of(LICENCES),
        validators=[InputRequired(message=REQUIRED)],
    )
    authority_signs_commitments = BooleanField(
        _l("The public authority signs every commitment")
    )
    # Set by `document_form`, for the pact the form is made for.
    groups: list[LanguageGroup] = []

    def validate_partners(self, field: Field) -> None:
        if any(len(line.strip()) > NAME_MAX for line in (field.data or "").split("\n")):
            raise ValidationError(
                _l(
                    "Please use at most %(max)d characters for each partner's name.",
                    max=NAME_MAX,
                )
            )

    def document_data(self) -> PactDocumentData:
        """The validated values, in the shape the services take: the default
        language's title, introduction and governance on the pact, every other
        text by language."""
        own = {text: self[text].data or "" for text in PACT_TEXT_FIELDS}
        return PactDocumentData(
            **own,
            **{name: self[name].data or "" for name in DOCUMENT_FIELDS},
            authority_signs_commitments=bool(self.authority_signs_commitments.data),
            texts={
                group.language: {
                    text: self[name].data or ""
                    for text, name in (group.texts | group.themes).items()
                    if not (group.default and text in PACT_TEXT_FIELDS)
                }
                for group in self.groups
            },
        )


def _text_field(pact: Pact, language: str, text: str) -> Field:
    """A text's field; what is typed in it is in `language` (its `lang`)."""
    typed_in = {"lang": language}
    if text.startswith(THEME_TEXT):
        theme = next(t for t in pact.themes if f"{THEME_TEXT}{t.key}" == text)
        return text_field(
            theme_label(theme),
            THEME_NAME_MAX,
            required=False,
            render_kw=typed_in | {"placeholder": theme_label(theme, language)},
        )
    if text == "title":
        required = language == pact.default_language
        return text_field(
            TEXT_LABELS["title"], TITLE_MAX, required=required, render_kw=typed_in
        )
    return long_text(TEXT_LABELS[text], DOCUMENT_TEXT_MAX, render_kw=typed_in)


def document_form(pact: Pact, **kwargs: Any) -> PactDocumentForm:
    """The document form for this pact: its fields, and a group of texts for each
    of its languages, the default one first."""
    fields: dict[str, Any] = {}
    groups = []
    for language in pact.language_list:
        default = language == pact.default_language
        texts = {t: field_name(t, language, default) for t in PACT_TEXT_FIELDS}
        themes = {
            t: field_name(t, language, default)
            for t in text_fields(pact, language)
            if t.startswith(THEME_TEXT)
        }
        for text, name in (texts | themes).items():
            fields[name] = _text_field(pact, language, text)
        groups.append(
            LanguageGroup(language, language_name(language), default, texts, themes)
        )
    fields["groups"] = groups
    form_class = type("PactDocumentFormFor", (PactDocumentForm,), fields)
    form: PactDocumentForm = form_class(**kwargs)
    return form


def document_values(pact: Pact) -> dict[str, Any]:
    """The pact's current document, as the form shows it."""
    values: dict[str, Any] = {
        name: getattr(pact, name)
        for name in (*DOCUMENT_FIELDS, "authority_signs_commitments")
    }
    for language in pact.language_list:
        default = language == pact.default_language
        for text in (*PACT_TEXT_FIELDS, *text_fields(pact, language)):
            name = field_name(text, language, default)
            values[name] = pact.given_text(text, language) or ""
    return values
