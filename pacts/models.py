"""Pacts and their themes: a territory's Local Green Pact and the columns its workshops
and commitments are organised by."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    from stakeholders.models import Organisation, Person
    from workshops.models import Card


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


class CommitmentStatus(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"
    SIGNED = "signed"
    IN_PROGRESS = "in progress"
    DONE = "done"


commitment_source_card = Table(
    "commitment_source_card",
    db.metadata,
    Column(
        "commitment_id",
        ForeignKey("commitment.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("card_id", ForeignKey("card.id", ondelete="CASCADE"), primary_key=True),
)


class Commitment(db.Model):  # type: ignore[name-defined,misc]
    """A measurable pact commitment: what an organisation will do, measured by an
    indicator from a baseline to a target by a deadline, and what it asks of the
    public authority. Drafted on a board, or added by an official."""

    __tablename__ = "commitment"

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(
        ForeignKey("pact.id", ondelete="CASCADE"), index=True
    )
    board_id: Mapped[int | None] = mapped_column(
        ForeignKey("board.id", ondelete="SET NULL"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"))
    lead_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    title: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(Text, default="")
    indicator_name: Mapped[str] = mapped_column(String(200))
    indicator_unit: Mapped[str] = mapped_column(String(50))
    indicator_baseline: Mapped[float] = mapped_column(Float)
    indicator_target: Mapped[float] = mapped_column(Float)
    deadline: Mapped[date] = mapped_column(Date)
    support_requested: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=CommitmentStatus.DRAFT)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    theme: Mapped[Theme] = relationship()
    lead_organisation: Mapped[Organisation] = relationship()
    source_cards: Mapped[list[Card]] = relationship(
        secondary=commitment_source_card, order_by="Card.id"
    )
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="commitment",
        order_by="Signature.id",
        cascade="all, delete-orphan",
    )


class Signature(db.Model):  # type: ignore[name-defined,misc]
    """An organisation's signature on a commitment: who signed, when, and which
    version of the commitment they signed."""

    __tablename__ = "signature"
    __table_args__ = (UniqueConstraint("commitment_id", "organisation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    commitment_version: Mapped[int] = mapped_column()
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="signatures")
    organisation: Mapped[Organisation] = relationship()
    person: Mapped[Person] = relationship()
