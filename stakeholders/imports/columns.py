"""The columns of an imported file: which fields a registration has (and which of
them must be mapped), a first guess of the mapping from the file's headers (the
machine export's codes, or the people's workbook's labels in any of the project's
languages), and each cell turned back from a label into the code the form takes
("SME" or "IMM" -> `sme`, "Energy efficiency and renewables" -> `energy`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel import Locale
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from core.choices import (
    KIND_LABELS,
    SECTOR_LABELS,
    SERVICE_LABELS,
    SIZE_LABELS,
    STATUS_LABELS,
)
from core.locales import supported_languages
from core.models import Pact
from core.pacts import theme_label
from stakeholders.registrations import FIELD_LABELS

# Several values in one cell: the machine export's `;`, the workbook's "; ".
LIST_SEPARATOR = ";"
LIST_FIELDS = ("services", "themes")


@dataclass(frozen=True)
class ImportField:
    name: str
    label: Any
    required: bool
    # Other headers it goes by (English msgids, looked for in every language).
    aliases: tuple[Any, ...] = ()


# The registration form's fields, then what the export adds (kept when imported).
FIELDS = (
    ImportField("organisation_name", FIELD_LABELS["organisation_name"], True,
                (_l("Organisation"),)),
    ImportField("kind", FIELD_LABELS["kind"], True, (_l("Kind of organisation"),)),
    ImportField("size", FIELD_LABELS["size"], True, (_l("Size (employees)"),)),
    ImportField("sector", FIELD_LABELS["sector"], True,
                (_l("Sector of activity (NACE)"),)),
    ImportField("locality", FIELD_LABELS["locality"], True),
    ImportField("region", FIELD_LABELS["region"], True),
    ImportField("country", FIELD_LABELS["country"], True),
    ImportField("registration_number", FIELD_LABELS["registration_number"], False,
                (_l("Registration number (optional)"),)),
    ImportField("website", FIELD_LABELS["website"], False,
                (_l("Website (optional)"),)),
    ImportField("contact_name", FIELD_LABELS["contact_name"], True,
                (_l("Contact person"), _l("Your name"))),
    ImportField("contact_position", FIELD_LABELS["contact_position"], False,
                (_l("Position"), _l("Your position (optional)"))),
    ImportField("contact_email", FIELD_LABELS["contact_email"], True),
    ImportField("contact_phone", FIELD_LABELS["contact_phone"], False,
                (_l("Phone"), _l("Phone (optional)"))),
    ImportField("services", FIELD_LABELS["services"], True,
                (_l("Services you are interested in"),)),
    ImportField("themes", FIELD_LABELS["themes"], True, (_l("Themes of interest"),)),
    ImportField("motivation", FIELD_LABELS["motivation"], False),
    ImportField("status", _l("Status"), False),
    ImportField("registered_at", _l("Registered"), False),
    ImportField("consent_version", _l("Consent version"), False),
    ImportField("consent_language", _l("Consent language"), False),
    ImportField("consent_given_at", _l("Consent given on"), False),
)  # fmt: skip
FIELD_NAMES = tuple(field.name for field in FIELDS)
REQUIRED_FIELDS = tuple(field.name for field in FIELDS if field.required)


def normalised(text: str) -> str:
    """Compared without case, spaces or punctuation ("E-mail" is "email")."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def _in_every_language(labels: Iterable[Any]) -> set[str]:
    names: set[str] = set()
    for language in supported_languages():
        with force_locale(language):
            names.update(normalised(str(label)) for label in labels)
    return names


def guess_mapping(header: Sequence[str]) -> dict[str, int]:
    """Field name -> the index of the column whose header names it (by its code or
    its label in any of the project's languages); each column used once."""
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        columns.setdefault(normalised(title), index)
    mapping: dict[str, int] = {}
    for field in FIELDS:
        names = {normalised(field.name)} | _in_every_language(
            (field.label, *field.aliases)
        )
        found = [columns[name] for name in names if name in columns]
        free = sorted(set(found) - set(mapping.values()))
        if free:
            mapping[field.name] = free[0]
    return mapping


class CodeBook:
    """Every label of the closed vocabularies, in every language, back to its code:
    built once per import (a preview or a chunk), then looked up cell by cell."""

    def __init__(self, pact: Pact) -> None:
        languages = tuple(supported_languages())
        self.codes = {
            field: dict(codes) for field, codes in _vocabularies(languages).items()
        }
        self.codes["themes"] = _theme_codes(pact, languages)
        for codes in self.codes.values():
            codes.pop("", None)  # an empty cell names nothing

    def code(self, field: str, cell: str) -> str | None:
        """The code a cell names, or None."""
        return self.codes[field].get(normalised(cell))

    def formdata_values(self, field: str, cell: str) -> list[str]:
        """The cell as the form's values: a code where the cell names one (else the
        cell as written, for the form to refuse), several for a list field."""
        items = cell.split(LIST_SEPARATOR) if field in LIST_FIELDS else [cell]
        codes = self.codes.get(field, {})
        values = [codes.get(normalised(item), item.strip()) for item in items]
        if field in LIST_FIELDS:
            return [value for value in values if value]
        return values


@cache
def _vocabularies(languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The closed vocabularies' codes by their labels: the same for every pact, so
    built once per process (translating them is most of a chunk's time)."""
    return {
        "kind": _codes(KIND_LABELS, languages),
        "size": _codes(SIZE_LABELS, languages),
        "sector": _codes(SECTOR_LABELS, languages) | _sector_names(languages),
        "services": _codes(SERVICE_LABELS, languages),
        "status": _codes(STATUS_LABELS, languages),
        "country": _country_codes(languages),
        "consent_language": _language_codes(languages),
    }


def _codes(labels: Mapping[Any, Any], languages: Iterable[str]) -> dict[str, str]:
    codes = {normalised(str(code)): str(code) for code in labels}
    for language in languages:
        with force_locale(language):
            codes.update(
                {normalised(str(label)): str(c) for c, label in labels.items()}
            )
    return codes


def _sector_names(languages: Iterable[str]) -> dict[str, str]:
    """A sector's name without its letter ("Manufacturing" for "C: Manufacturing")."""
    codes = {}
    for language in languages:
        with force_locale(language):
            for code, label in SECTOR_LABELS.items():
                codes[normalised(str(label).partition(":")[2])] = code
    return codes


def _theme_codes(pact: Pact, languages: Iterable[str]) -> dict[str, str]:
    codes = {}
    for theme in pact.themes:
        codes[normalised(theme.key)] = theme.key
        codes[normalised(theme.name)] = theme.key
        for language in languages:
            codes[normalised(theme_label(theme, language))] = theme.key
    return codes


def _country_codes(languages: Iterable[str]) -> dict[str, str]:
    codes = {}
    for language in languages:
        for code, name in Locale.parse(language).territories.items():
            if len(code) == 2 and code.isalpha():
                codes[normalised(name)] = code
    # The codes themselves last: "IT" is Italy, whatever a name might say.
    codes.update({normalised(code): code for code in list(codes.values())})
    return codes


def _language_codes(languages: Sequence[str]) -> dict[str, str]:
    codes = {normalised(code): code for code in languages}
    for language in languages:
        names = Locale.parse(language).languages
        codes.update({normalised(names.get(code, code)): code for code in languages})
    return codes
