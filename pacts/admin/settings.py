"""The administrator's use cases on a pact's settings: creating a pact (with the
default themes, which the administrator then renames, reorders or archives) and
changing its settings later (the slug stays). A pact's title is given in each of its
languages, the default language's being required; the default language is the first
of the pact's languages, and its texts are the pact's own columns (core.models)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import available_timezones

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from core.audit import AuditAction, changed_fields, record_staff_action
from core.errors import DomainError
from core.models import PACT_TEXT_FIELDS, Pact, PactText, ReportFrequency
from core.pacts import create_pact
from core.transactions import use_case
from extensions import db
from stakeholders.models import Person, StaffMembership

# The open data's licences a pact may choose (SPDX identifiers; pacts.forms names
# them, and the open data and the PDF print the identifier).
LICENCE_IDS = ("CC-BY-4.0", "CC-BY-SA-4.0", "CC0-1.0", "ODbL-1.0")
TITLE_MAX = 200
TERRITORY_MAX = 120
# The settings kept in the pact's own columns, besides its title.
SETTING_FIELDS = ("territory", "country", "timezone", "report_frequency", "licence")


@dataclass(frozen=True)
class PactSettings:
    territory: str
    country: str
    # The pact's languages, the default one among them.
    languages: tuple[str, ...]
    default_language: str
    timezone: str
    report_frequency: str
    licence: str
    # The title in each language it is given in ({language: title}).
    titles: Mapping[str, str] = field(default_factory=dict)

    def language_codes(self) -> str:
        """The pact's `languages` column: the default first, then the others in
        the project's order."""
        others = [code for code in self.languages if code != self.default_language]
        return ",".join([self.default_language, *others])


def administrator(actor_id: int) -> Person:
    actor = db.session.get(Person, actor_id)
    if actor is None or not actor.is_admin:
        raise DomainError("forbidden", _("Only administrators can do this."))
    return actor


def check_settings(data: PactSettings) -> None:
    """What the form checks too, checked again for any other caller."""
    project = _project_languages()
    if not data.languages or any(code not in project for code in data.languages):
        raise DomainError(
            "invalid", _("Please choose the pact's languages."), "languages"
        )
    if data.default_language not in data.languages:
        raise DomainError(
            "invalid",
            _("The default language must be one of the pact's languages."),
            "default_language",
        )
    if not data.titles.get(data.default_language, "").strip():
        raise DomainError(
            "invalid",
            _("Please give the pact a title in its default language."),
            f"title_{data.default_language}",
        )
    if data.timezone not in available_timezones():
        raise DomainError("invalid", _("Please choose a timezone."), "timezone")
    if data.report_frequency not in set(ReportFrequency):
        raise DomainError(
            "invalid", _("Please choose a reporting schedule."), "report_frequency"
        )
    if data.licence not in LICENCE_IDS:
        raise DomainError("invalid", _("Please choose a licence."), "licence")


@use_case
def create_pact_with_settings(
    actor_id: int, slug: str, data: PactSettings
) -> dict[str, Any]:
    """A new pact (with the default themes), its settings and its titles."""
    actor = administrator(actor_id)
    check_settings(data)
    try:
        created = create_pact(
            slug,
            data.titles[data.default_language],
            data.territory,
            languages=data.language_codes(),
            country=data.country,
            timezone=data.timezone,
        )
    except DomainError as exc:
        if exc.code == "duplicate":
            raise DomainError(
                "duplicate", _("A pact with this address already exists."), "slug"
            ) from exc
        raise
    pact = _pact(created["id"])
    pact.report_frequency = data.report_frequency
    pact.licence = data.licence
    _save_titles(pact, data)
    record_staff_action(actor.id, pact.id, AuditAction.CREATE_PACT, "pact", pact.id)
    return {"id": pact.id, "slug": pact.slug}


@use_case
def update_pact_settings(
    actor_id: int, pact_id: int, data: PactSettings
) -> dict[str, Any]:
    """Change a pact's settings and titles; the audit log names the fields changed."""
    actor = administrator(actor_id)
    check_settings(data)
    pact = _pact(pact_id)
    before = _settings_of(pact)
    if data.default_language != pact.default_language:
        _change_default_language(pact, data.default_language)
    pact.languages = data.language_codes()
    for name in SETTING_FIELDS:
        setattr(pact, name, getattr(data, name).strip())
    _save_titles(pact, data)
    fields = changed_fields(before, _settings_of(pact))
    if fields:
        record_staff_action(
            actor.id, pact.id, AuditAction.EDIT, "pact", pact.id, fields=fields
        )
    return {"pact": pact.id, "changed": fields}


def _pact(pact_id: int) -> Pact:
    pact = db.session.get(Pact, pact_id)
    if pact is None:
        raise DomainError("not_found", _("This pact does not exist."))
    return pact


def _settings_of(pact: Pact) -> dict[str, Any]:
    """The settings and titles, as the audit log compares them."""
    values = {name: getattr(pact, name) for name in (*SETTING_FIELDS, "languages")}
    for code in _project_languages():
        values[f"title:{code}"] = pact.given_text("title", code)
    return values


def _project_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def _text_row(pact: Pact, language: str, name: str) -> PactText | None:
    return next(
        (row for row in pact.texts if row.language == language and row.field == name),
        None,
    )


def _save_titles(pact: Pact, data: PactSettings) -> None:
    """The default language's title on the pact, the others as its texts (an empty
    one is not given: the default language's is shown instead)."""
    for language in data.languages:
        title = data.titles.get(language, "").strip()
        if language == data.default_language:
            pact.title = title
            continue
        row = _text_row(pact, language, "title")
        if row is None and title:
            pact.texts.append(PactText(language=language, field="title", text=title))
        elif row is not None and title:
            row.text = title
        elif row is not None:
            pact.texts.remove(row)


def _change_default_language(pact: Pact, new: str) -> None:
    """The pact's own texts (title, introduction, governance) move to the new
    default language: what was in the old default becomes a text of that language,
    and the new default's texts, when given, become the pact's own. A text the new
    default language was not given stays as it was (shown in every language)."""
    old = pact.default_language
    for name in PACT_TEXT_FIELDS:
        given = _text_row(pact, new, name)
        if given is None:
            continue
        own = str(getattr(pact, name))
        setattr(pact, name, given.text)
        pact.texts.remove(given)
        old_row = _text_row(pact, old, name)
        if own and old_row is None:
            pact.texts.append(PactText(language=old, field=name, text=own))


def pact_overview() -> list[dict[str, Any]]:
    """Every pact with what the administrator's list shows: its number of staff."""
    staff = dict(
        db.session.execute(
            select(
                StaffMembership.pact_id, func.count(StaffMembership.person_id)
            ).group_by(StaffMembership.pact_id)
        ).all()
    )
    pacts = db.session.scalars(select(Pact).order_by(Pact.title, Pact.id))
    return [{"pact": pact, "staff": int(staff.get(pact.id, 0))} for pact in pacts]
