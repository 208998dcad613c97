"""Field filters and validators shared by every form, HTML and socket payloads alike:
the one markup policy (`NoMarkup`), one line, what a database can store, phone
numbers, and the spreadsheet formula guard."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import phonenumbers
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form
from wtforms.validators import StopValidation, ValidationError

# Something that a browser would read as the start of a tag, comment or declaration.
_MARKUP = re.compile(r"<\s*[a-zA-Z/!?]")
# Formula triggers for spreadsheets (see neutralise_cell).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def strip(value: Any) -> Any:
    """Trim surrounding white space and drop invisible control characters."""
    if not isinstance(value, str):
        return value
    cleaned = "".join(
        ch for ch in value if ch in "\n\t" or unicodedata.category(ch) != "Cc"
    )
    return cleaned.strip()


def none_if_empty(value: Any) -> Any:
    return value or None


def lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


# A scheme such as "https:" or "ftp:" (but not "www.brutaria.ro:8080" or "localhost:").
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:(?!\d)")


def with_scheme(value: Any) -> Any:
    """An address written without a scheme (`www.brutaria.ro`) as https://…; one
    with a scheme is left for the validators to judge."""
    if not isinstance(value, str) or not value or _SCHEME.match(value):
        return value
    return "https://" + value.removeprefix("//")


class FirstError:
    """Run the validators in order and report only the first that fails: one
    problem, one message (a scheme missing is not also "not a valid address")."""

    def __init__(self, *validators: Any) -> None:
        self.validators = validators

    def __call__(self, form: Form, field: Field) -> None:
        for validator in self.validators:
            try:
                validator(form, field)
            except ValidationError as exc:
                raise StopValidation(str(exc)) from exc


class NoMarkup:
    """Refuse text that looks like HTML: it is stored as plain text and always escaped,
    but a tag in a name or a motivation is never what a person meant to write."""

    def __init__(self) -> None:
        self.message = _l("Please remove the HTML tags (text between < and >).")

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, str) and _MARKUP.search(field.data):
            raise ValidationError(self.message)


# A lone surrogate cannot be written as UTF-8 (SQLite raises, PostgreSQL refuses);
# PostgreSQL refuses NUL in text. JSON decoding lets both through.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable_text_problem(value: str) -> str | None:
    """Why no database could store this text, or None: a lone surrogate (half of
    a UTF-16 pair, which is not a character) or NUL."""
    if _UNSTORABLE.search(value) is None:
        return None
    return "must be text without NUL or lone surrogates"


class SingleLine:
    """Names and places are one line of text."""

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, str) and ("\n" in field.data or "\t" in field.data):
            raise ValidationError(_l("Please write this on a single line."))


def parse_phone(raw: str, region: str | None) -> str:
    """The number in E.164, or ValueError when it is not a valid phone number."""
    try:
        number = phonenumbers.parse(raw, region or None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(str(exc)) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def neutralise_cell(value: str) -> str:
    """Prefix an apostrophe to a cell a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def restore_cell(value: str) -> str:
    """Undo `neutralise_cell` when importing our own exports."""
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value
