"""The pact and its themes: a territory's Local Green Pact and the columns its
workshops and commitments are organised by, and the pact's own texts in each of its
languages. Every package builds on these.

The pact's title, introduction and governance in its default language (the first of
its languages) are the pact's own columns; `PactText` holds them in its other
languages, and the names officials gave its themes in any language. `Pact.text`
reads one in the visitor's language, falling back to the default language's."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_babel import get_locale
from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.time import UTCDateTime, utcnow
from extensions import db

if TYPE_CHECKING:
    from stakeholders.models import Person


class PactStatus(StrEnum):
    CO_CREATION = "co-creation"
    PUBLISHED = "published"
    MONITORING = "monitoring"


class ReportFrequency(StrEnum):
    """How often each commitment's lead reports progress (set per pact)."""

    YEARLY = "yearly"
    HALF_YEARLY = "half-yearly"
    QUARTERLY = "quarterly"


# Months between two progress reports.
REPORT_MONTHS = {
    ReportFrequency.YEARLY: 12,
    ReportFrequency.HALF_YEARLY: 6,
    ReportFrequency.QUARTERLY: 3,
}


class Pact(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "pact"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    territory: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    # Comma-separated locale codes, the first being the pact's own language.
    languages: Mapped[str] = mapped_column(String(60), default="en")
    country: Mapped[str] = mapped_column(String(2), default="RO")
    timezone: Mapped[str] = mapped_column(String(60), default="UTC")
    status: Mapped[PactStatus] = mapped_column(
        String(20), default=PactStatus.CO_CREATION
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The pact document (compiled by officials; plain text, paragraphs by blank lines).
    introduction: Mapped[str] = mapped_column(Text, default="")
    governance: Mapped[str] = mapped_column(Text, default="")
    # Partner organisations named in the document, one per line.
    partners: Mapped[str] = mapped_column(Text, default="")
    # The public authority that signs for the territory (e.g. the county council).
    authority_name: Mapped[str] = mapped_column(String(200), default="")
    report_frequency: Mapped[str] = mapped_column(
        String(12), default=ReportFrequency.YEARLY
    )
    # The open data's licence (an SPDX identifier).
    licence: Mapped[str] = mapped_column(String(60), default="CC-BY-4.0")
    # The pact's rule for its commitments: whether an agreed commitment is signed only
    # once the public authority has signed it too (else its lead's signature does).
    authority_signs_commitments: Mapped[bool] = mapped_column(
        default=False, server_default=false()
    )
    # Published = signed by the authority: who signed, and when.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL", use_alter=True)
    )

    signed_by: Mapped[Person | None] = relationship(foreign_keys=[signed_by_id])
    themes: Mapped[list[Theme]] = relationship(
        back_populates="pact", order_by="Theme.position", cascade="all, delete-orphan"
    )
    texts: Mapped[list[PactText]] = relationship(
        back_populates="pact", cascade="all, delete-orphan"
    )

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def default_language(self) -> str:
        languages = self.language_list
        return languages[0] if languages else "en"

    def given_text(self, field: str, language: str) -> str | None:
        """The text `field` as given in `language` (None when it was not): `title`,
        `introduction`, `governance` or `theme:<key>`."""
        if language == self.default_language and field in PACT_TEXT_FIELDS:
            return str(getattr(self, field)) or None
        for row in self.texts:
            if row.language == language and row.field == field:
                return row.text
        return None

    def text(self, field: str, language: str | None = None) -> str:
        """The pact's title, introduction or governance in `language` (by default
        the visitor's), else in the pact's default language."""
        if field not in PACT_TEXT_FIELDS:
            raise ValueError(f"not a text of the pact: {field!r}")
        wanted = language or current_language()
        given = self.given_text(field, wanted) if wanted else None
        return given if given is not None else str(getattr(self, field))

    def text_language(self, field: str, language: str | None = None) -> str:
        """The language `text(field, language)` is actually in."""
        wanted = language or current_language()
        if wanted and self.given_text(field, wanted) is not None:
            return wanted
        return self.default_language

    @property
    def active_themes(self) -> list[Theme]:
        """The themes offered for new input: all but the archived ones, in order."""
        return [theme for theme in self.themes if theme.archived_at is None]

    @property
    def authority(self) -> str:
        """Who signs for the territory: the named authority, else the territory."""
        return self.authority_name or self.territory

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


# The pact's texts given per language (with `theme:<key>` for a theme's name).
PACT_TEXT_FIELDS = ("title", "introduction", "governance")
THEME_TEXT = "theme:"


def current_language() -> str | None:
    """The language of the request (or of `force_locale`), None outside one."""
    locale = get_locale()
    return str(locale) if locale is not None else None


class PactText(db.Model):  # type: ignore[name-defined,misc]
    """One of the pact's texts in one language: its title, introduction or
    governance in a language other than its default one, or a theme's name."""

    __tablename__ = "pact_text"
    __table_args__ = (UniqueConstraint("pact_id", "language", "field"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pact.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(String(8))
    field: Mapped[str] = mapped_column(String(80))
    text: Mapped[str] = mapped_column(Text)

    pact: Mapped[Pact] = relationship(back_populates="texts")


class Theme(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("pact_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pact.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    # Archived: no longer offered for new input (registrations, cards, commitments,
    # workshops); what already uses the theme keeps it and shows it.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pact: Mapped[Pact] = relationship(back_populates="themes")

    @property
    def archived(self) -> bool:
        return self.archived_at is not None
