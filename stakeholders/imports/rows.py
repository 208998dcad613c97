"""Each row of an import checked as the public form checks a registration
(StakeholderForm, labels turned back into codes first), and its duplicates found:
the contact e-mail or the registration number already registered in the pact, or
on an earlier row of the file. The outcome of every row is what the preview shows
and what the import then writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from core.choices import RegistrationStatus
from core.locales import supported_languages
from core.models import Pact
from extensions import db
from stakeholders.exports import IMPORTED_CONSENT_TEXT, imported_moment
from stakeholders.forms import StakeholderForm
from stakeholders.imports.columns import FIELDS, CodeBook
from stakeholders.imports.models import RowState
from stakeholders.models import Organisation, Person
from stakeholders.services import theme_choices

LABELS = {field.name: field.label for field in FIELDS}


@dataclass
class Seen:
    """The e-mails and registration numbers taken: the pact's, then the file's
    rows already read (with the row that took them)."""

    emails: dict[str, int | None] = field(default_factory=dict)
    numbers: dict[str, int | None] = field(default_factory=dict)

    @classmethod
    def of_pact(cls, pact_id: int) -> Seen:
        emails = db.session.scalars(
            select(Person.email).where(Person.pact_id == pact_id)
        )
        numbers = db.session.scalars(
            select(Organisation.registration_number).where(
                Organisation.pact_id == pact_id,
                Organisation.registration_number.is_not(None),
            )
        )
        return cls(
            {email: None for email in emails if email},
            {number: None for number in numbers if number},
        )


class RowChecker:
    """Checks the rows of one import against one pact."""

    def __init__(self, pact: Pact, mapping: dict[str, int]) -> None:
        self.pact = pact
        self.mapping = mapping
        self.book = CodeBook(pact)
        self.themes = theme_choices(pact)
        self._form: StakeholderForm | None = None

    def cell(self, row: list[str], name: str) -> str:
        index = self.mapping.get(name)
        return row[index] if index is not None and index < len(row) else ""

    def form(self, row: list[str]) -> StakeholderForm:
        """The row in the public form's fields, validated. One form serves every
        row, refilled each time (building its 16 fields was most of a row's
        check): read it before asking for the next row."""
        data: MultiDict[str, str] = MultiDict()
        for name in StakeholderForm.field_names():
            for value in self.book.formdata_values(name, self.cell(row, name)):
                data.add(name, value)
        if self._form is None:
            self._form = StakeholderForm(
                formdata=data, meta={"csrf": False}, theme_choices=self.themes
            )
        else:
            self._form.process(data)
        self._form.validate()
        return self._form

    def outcome(self, number: int, row: list[str], seen: Seen) -> dict[str, Any]:
        """The row's state and its errors ([field label, message]); a valid row's
        e-mail and number count as taken for the rows after it."""
        form = self.form(row)
        errors = [
            [str(LABELS.get(name, name)), str(message)]
            for name, messages in form.errors.items()
            for message in messages
        ]
        if errors:
            return {"row": number, "state": RowState.BAD, "errors": errors}
        duplicates = _duplicates(form, seen)
        if duplicates:
            return {"row": number, "state": RowState.DUPLICATE, "errors": duplicates}
        seen.emails[form.contact_email.data or ""] = number
        if form.registration_number.data:
            seen.numbers[form.registration_number.data] = number
        return {"row": number, "state": RowState.VALID, "errors": []}

    def extras(self, row: list[str]) -> dict[str, Any]:
        """What the export adds to the form's fields: the status (pending unless
        the file says otherwise), when they registered, and their consent."""
        status = self.book.code("status", self.cell(row, "status"))
        language = self.book.code(
            "consent_language", self.cell(row, "consent_language")
        )
        return {
            "status": status
            if status in set(RegistrationStatus)
            else RegistrationStatus.PENDING,
            "registered_at": imported_moment(self.cell(row, "registered_at")),
            "consent": {
                "version": self.cell(row, "consent_version")[:40] or "imported",
                "language": language
                if language in supported_languages()
                else self.pact.default_language,
                "text": IMPORTED_CONSENT_TEXT,
                "given_at": imported_moment(self.cell(row, "consent_given_at")),
                "ip_address": None,
            },
        }


def _duplicates(form: StakeholderForm, seen: Seen) -> list[list[str]]:
    email, number = form.contact_email.data or "", form.registration_number.data
    problems = []
    if email in seen.emails:
        problems.append(
            [str(LABELS["contact_email"]), _email_taken(seen.emails[email])]
        )
    if number and number in seen.numbers:
        problems.append(
            [str(LABELS["registration_number"]), _number_taken(seen.numbers[number])]
        )
    return problems


def _email_taken(row: int | None) -> str:
    if row is None:
        return str(_("This e-mail address is already registered in this pact."))
    return str(_("Row %(row)d has the same e-mail address.", row=row))


def _number_taken(row: int | None) -> str:
    if row is None:
        return str(_("This registration number is already registered in this pact."))
    return str(_("Row %(row)d has the same registration number.", row=row))
