"""Pacts and their themes: a territory's Local Green Pact and the columns its workshops
and commitments are organised by."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from timeutil import UTCDateTime, utcnow


class PactStatus(StrEnum):
    CO_CREATION = "co-creation"
    PUBLISHED = "published"
    MONITORING = "monitoring"


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

    themes: Mapped[list[Theme]] = relationship(
        back_populates="pact", order_by="Theme.position", cascade="all, delete-orphan"
    )

    @property
    def language_list(self) -> list[str]:
        return [code for code in self.languages.split(",") if code]


class Theme(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "theme"
    __table_args__ = (UniqueConstraint("pact_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pact.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)

    pact: Mapped[Pact] = relationship(back_populates="themes")
