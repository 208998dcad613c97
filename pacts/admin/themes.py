"""The administrator's use cases on a pact's themes: add one (its key made from its
name, unique in the pact; its name in each of the pact's languages), rename it per
language, move it up or down, archive it (no longer offered for new registrations,
cards, commitments or workshops; what uses it keeps it) and restore it. Each change
is in the pact's audit log."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from core.audit import AuditAction, record_staff_action
from core.errors import DomainError
from core.models import THEME_TEXT, Pact, PactText, Theme
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from pacts.admin.settings import administrator

THEME_NAME_MAX = 120
KEY_MAX = 60
# Room left in a key for "-2", "-3"… when the name's own key is taken.
KEY_STEM_MAX = KEY_MAX - 4
UP, DOWN = "up", "down"


def theme_key(name: str) -> str:
    """A theme's key from its name: lowercase ASCII letters, digits and dashes
    ("Économie circulaire" → "economie-circulaire")."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    key = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    return key[:KEY_STEM_MAX].strip("-") or "theme"


def _unique_key(pact: Pact, name: str) -> str:
    taken = {theme.key for theme in pact.themes}
    stem = theme_key(name)
    key, number = stem, 2
    while key in taken:
        key, number = f"{stem}-{number}", number + 1
    return key


def _pact(actor_id: int, pact_id: int) -> Pact:
    administrator(actor_id)
    pact = db.session.get(Pact, pact_id)
    if pact is None:
        raise DomainError("not_found", _("This pact does not exist."))
    return pact


def _theme(pact: Pact, theme_id: int) -> Theme:
    theme = next((theme for theme in pact.themes if theme.id == theme_id), None)
    if theme is None:
        raise DomainError("not_found", _("This theme does not exist."))
    return theme


def _save_names(pact: Pact, theme: Theme, names: Mapping[str, str]) -> list[str]:
    """The theme's name in each of the pact's languages (the default one required;
    another left empty is shown in the default language); the languages changed."""
    default = names.get(pact.default_language, "").strip()
    if not default:
        raise DomainError(
            "invalid",
            _("Please name the theme in the pact's default language."),
            f"name_{pact.default_language}",
        )
    theme.name = default
    field = f"{THEME_TEXT}{theme.key}"
    rows = {row.language: row for row in pact.texts if row.field == field}
    changed = []
    for language in pact.language_list:
        name = names.get(language, "").strip()
        row = rows.get(language)
        if name == (row.text if row is not None else ""):
            continue
        changed.append(language)
        if row is None:
            pact.texts.append(PactText(language=language, field=field, text=name))
        elif name:
            row.text = name
        else:
            pact.texts.remove(row)
    return changed


def _audit(
    actor_id: int, pact: Pact, theme: Theme, change: str, **details: Any
) -> None:
    record_staff_action(
        actor_id,
        pact.id,
        AuditAction.CHANGE_THEMES,
        "theme",
        theme.id,
        change=change,
        theme=theme.key,
        **details,
    )


@use_case
def add_theme(actor_id: int, pact_id: int, names: Mapping[str, str]) -> dict[str, Any]:
    """A new theme at the end of the pact's list."""
    pact = _pact(actor_id, pact_id)
    default = names.get(pact.default_language, "").strip()
    theme = Theme(
        key=_unique_key(pact, default),
        name=default,
        position=max((t.position for t in pact.themes), default=-1) + 1,
    )
    _save_names(pact, theme, names)
    pact.themes.append(theme)
    db.session.flush()
    _audit(actor_id, pact, theme, "add")
    return {"theme": theme.id, "key": theme.key}


@use_case
def rename_theme(
    actor_id: int, pact_id: int, theme_id: int, names: Mapping[str, str]
) -> dict[str, Any]:
    """The theme's names in the pact's languages (its key stays)."""
    pact = _pact(actor_id, pact_id)
    theme = _theme(pact, theme_id)
    changed = _save_names(pact, theme, names)
    if changed:
        _audit(actor_id, pact, theme, "rename", languages=changed)
    return {"theme": theme.id, "changed": changed}


@use_case
def move_theme(
    actor_id: int, pact_id: int, theme_id: int, direction: str
) -> dict[str, Any]:
    """Swap the theme with the one above or below it (nothing at either end)."""
    pact = _pact(actor_id, pact_id)
    theme = _theme(pact, theme_id)
    if direction not in (UP, DOWN):
        raise DomainError("invalid", _("Please try again."), "direction")
    ordered = sorted(pact.themes, key=lambda t: (t.position, t.id))
    index = ordered.index(theme)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(ordered):
        return {"theme": theme.id, "moved": False}
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, each in enumerate(ordered):
        each.position = position
    _audit(actor_id, pact, theme, "move", direction=direction)
    return {"theme": theme.id, "moved": True}


@use_case
def archive_theme(actor_id: int, pact_id: int, theme_id: int) -> dict[str, Any]:
    """No longer offer the theme for new input; a pact keeps one active theme."""
    pact = _pact(actor_id, pact_id)
    theme = _theme(pact, theme_id)
    if theme.archived:
        return {"theme": theme.id, "archived": True}
    if len(pact.active_themes) <= 1:
        raise DomainError(
            "conflict", _("A pact keeps at least one theme that is not archived.")
        )
    theme.archived_at = utcnow()
    _audit(actor_id, pact, theme, "archive")
    return {"theme": theme.id, "archived": True}


@use_case
def restore_theme(actor_id: int, pact_id: int, theme_id: int) -> dict[str, Any]:
    """Offer an archived theme again."""
    pact = _pact(actor_id, pact_id)
    theme = _theme(pact, theme_id)
    if theme.archived:
        theme.archived_at = None
        _audit(actor_id, pact, theme, "restore")
    return {"theme": theme.id, "archived": False}
