"""Pacts and their themes, shared by every package: creating a pact with its default
themes, finding one, listing them, and a theme's name in the visitor's language (as
the pact's officials named it in that language, else the standard name)."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from core.choices import DEFAULT_THEMES
from core.errors import DomainError
from core.models import THEME_TEXT, Pact, Theme, current_language
from core.transactions import use_case
from extensions import db

SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


@use_case
def create_pact(
    slug: str,
    title: str,
    territory: str,
    *,
    languages: str = "en",
    country: str = "RO",
    timezone: str = "UTC",
    description: str = "",
) -> dict[str, Any]:
    """Create a pact with the default themes; the slug must be new and URL-safe."""
    slug = slug.strip().lower()
    if not SLUG.match(slug):
        raise DomainError(
            "invalid", "slug: use lowercase letters, digits and dashes", "slug"
        )
    if not title.strip() or not territory.strip():
        raise DomainError("invalid", "title and territory are required", "title")
    if db.session.scalar(select(Pact.id).where(Pact.slug == slug)) is not None:
        raise DomainError("duplicate", f"a pact with slug {slug!r} exists", "slug")
    pact = Pact(
        slug=slug,
        title=title.strip(),
        territory=territory.strip(),
        languages=languages,
        country=country,
        timezone=timezone,
        description=description,
    )
    with force_locale("en"):
        pact.themes = [
            Theme(key=key, name=str(label), position=position)
            for position, (key, label) in enumerate(DEFAULT_THEMES.items())
        ]
    db.session.add(pact)
    db.session.flush()
    return {"id": pact.id, "slug": pact.slug}


def find_pact(slug: str) -> Pact | None:
    return db.session.scalar(select(Pact).where(Pact.slug == slug))


def theme_label(theme: Theme, language: str | None = None) -> str:
    """A theme's name in `language` (by default the visitor's): as the pact's
    officials named it in that language, else a default theme's standard name in
    it, else the name they gave it in the pact's default language, else as made."""
    pact = theme.pact
    wanted = language or current_language() or pact.default_language
    field = f"{THEME_TEXT}{theme.key}"
    named = pact.given_text(field, wanted)
    if named is not None:
        return named
    label = DEFAULT_THEMES.get(theme.key)
    if label is not None and wanted == current_language():
        return str(label)
    if label is not None:
        with force_locale(wanted):
            return str(label)
    return pact.given_text(field, pact.default_language) or theme.name


def list_pacts() -> list[Pact]:
    return list(db.session.scalars(select(Pact).order_by(Pact.title)))
