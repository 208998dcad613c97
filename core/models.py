"""The pact and its themes: a territory's Local Green Pact and the columns its
workshops and commitments are organised by. Every package builds on these."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
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
    # Published = signed by the authority: who signed, and when.
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL", use_alter=True)
    )

    signed_by: Mapped[Person | None] = relationship(foreign_keys=[signed_by_id])
    themes: Mapped[list[Theme]] = relationship(
        back_populates="pact", order_by="Theme.position", cascade="all, delete-orphan"
    )

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]

    @property
    def authority(self) -> str:
        """Who signs for the territory: the named authority, else the territory."""
        return self.authority_name or self.territory

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


class Theme(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("pact_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pact.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    pact: Mapped[Pact] = relationship(back_populates="themes")
