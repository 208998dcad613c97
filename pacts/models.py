"""Pacts and their themes: a territory's Local Green Pact and the columns its workshops
and commitments are organised by."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.time import UTCDateTime, utcnow
from extensions import db

if TYPE_CHECKING:
    from stakeholders.models import Organisation, Person
    from workshops.models import Board, Card


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


class CommitmentStatus(StrEnum):
    DRAFT = "draft"
    AGREED = "agreed"
    SIGNED = "signed"
    IN_PROGRESS = "in progress"
    DONE = "done"
    AT_RISK = "at risk"
    DROPPED = "dropped"


# Statuses of commitments that are part of the pact (signed by their lead at least).
PACT_STATUSES = (
    CommitmentStatus.SIGNED,
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.AT_RISK,
    CommitmentStatus.DONE,
    CommitmentStatus.DROPPED,
)
# What a lead may report with a progress update.
REPORTED_STATUSES = (
    CommitmentStatus.IN_PROGRESS,
    CommitmentStatus.AT_RISK,
    CommitmentStatus.DONE,
    CommitmentStatus.DROPPED,
)


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

commitment_co_signer = Table(
    "commitment_co_signer",
    db.metadata,
    Column(
        "commitment_id",
        ForeignKey("commitment.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "organisation_id",
        ForeignKey("organisation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
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
    # What the public authority promised in return (set by an official).
    support_promised: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default=CommitmentStatus.DRAFT)
    # Why a commitment was dropped (or is at risk), in the lead's or official's words.
    status_reason: Mapped[str] = mapped_column(Text, default="")
    # Order within its theme in the pact document.
    position: Mapped[int] = mapped_column(default=0)
    version: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pact: Mapped[Pact] = relationship()
    board: Mapped[Board | None] = relationship()
    theme: Mapped[Theme] = relationship()
    lead_organisation: Mapped[Organisation] = relationship()
    co_signers: Mapped[list[Organisation]] = relationship(
        secondary=commitment_co_signer, order_by="Organisation.name"
    )
    source_cards: Mapped[list[Card]] = relationship(
        secondary=commitment_source_card, order_by="Card.id"
    )
    signatures: Mapped[list[Signature]] = relationship(
        back_populates="commitment",
        order_by="Signature.id",
        cascade="all, delete-orphan",
    )
    revisions: Mapped[list[CommitmentRevision]] = relationship(
        back_populates="commitment",
        order_by="CommitmentRevision.id",
        cascade="all, delete-orphan",
    )
    reports: Mapped[list[ProgressReport]] = relationship(
        back_populates="commitment",
        order_by="(ProgressReport.reported_on, ProgressReport.id)",
        cascade="all, delete-orphan",
    )


class Signature(db.Model):  # type: ignore[name-defined,misc]
    """An organisation's signature on a commitment: who signed, when, and which
    version of the commitment they signed. The public authority's signature (given by
    an official) has no organisation row: `authority` is set instead."""

    __tablename__ = "signature"
    __table_args__ = (
        UniqueConstraint("commitment_id", "organisation_id"),
        Index(
            "uq_signature_authority",
            "commitment_id",
            unique=True,
            sqlite_where=Column("authority").is_(True),
            postgresql_where=Column("authority").is_(True),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    authority: Mapped[bool] = mapped_column(default=False)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    commitment_version: Mapped[int] = mapped_column()
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="signatures")
    organisation: Mapped[Organisation | None] = relationship()
    person: Mapped[Person] = relationship()

    @property
    def signatory(self) -> str:
        """The name of the organisation (or the authority) that signed."""
        if self.organisation is not None:
            return self.organisation.name
        return self.commitment.pact.authority


class CommitmentRevision(db.Model):  # type: ignore[name-defined,misc]
    """One edit of a commitment outside the board: who changed what (each field's old
    and new value), from which version, and how many signatures it invalidated."""

    __tablename__ = "commitment_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column()  # the version the edit replaced
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    signatures_invalidated: Mapped[int] = mapped_column(default=0)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="revisions")
    changed_by: Mapped[Person | None] = relationship()


class ProgressReport(db.Model):  # type: ignore[name-defined,misc]
    """A lead's report on a commitment: the indicator's value on a date, what
    happened, optional evidence (a link or an uploaded file), and the status it
    leaves the commitment in."""

    __tablename__ = "progress_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment.id", ondelete="CASCADE"), index=True
    )
    reported_on: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    narrative: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12))
    status_reason: Mapped[str] = mapped_column(Text, default="")
    evidence_url: Mapped[str | None] = mapped_column(String(300))
    # An uploaded file: kept under instance/evidence/ by a random name.
    evidence_file: Mapped[str | None] = mapped_column(String(64))
    evidence_name: Mapped[str | None] = mapped_column(String(200))
    evidence_type: Mapped[str | None] = mapped_column(String(100))
    evidence_size: Mapped[int | None] = mapped_column()
    reported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    commitment: Mapped[Commitment] = relationship(back_populates="reports")
    reported_by: Mapped[Person | None] = relationship()


class ProgressReminder(db.Model):  # type: ignore[name-defined,misc]
    """A reminder e-mail sent for one report due date: at most one `due` and one
    `overdue` reminder per commitment and due date."""

    __tablename__ = "progress_reminder"
    __table_args__ = (UniqueConstraint("commitment_id", "due_on", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        ForeignKey("commitment.id", ondelete="CASCADE")
    )
    due_on: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))  # "due" or "overdue"
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class IndicatorSource(StrEnum):
    COMMITMENTS = "commitments"  # the sum of chosen commitments' progress
    SERVICE = "service"  # organisations served / organisations that asked


programme_indicator_commitment = Table(
    "programme_indicator_commitment",
    db.metadata,
    Column(
        "indicator_id",
        ForeignKey("programme_indicator.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column(
        "commitment_id",
        ForeignKey("commitment.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


class ProgrammeIndicator(db.Model):  # type: ignore[name-defined,misc]
    """A headline figure of the pact an official defines: the sum over chosen
    commitments of the change each achieved so far (e.g. "green jobs created"), or
    the organisations that received a service out of those that asked for it
    ("SMEs mentored: 10 of 10")."""

    __tablename__ = "programme_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(
        ForeignKey("pact.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(50), default="")
    source: Mapped[str] = mapped_column(String(20), default=IndicatorSource.COMMITMENTS)
    service: Mapped[str | None] = mapped_column(String(30))
    target: Mapped[float | None] = mapped_column(Float)
    position: Mapped[int] = mapped_column(default=0)

    commitments: Mapped[list[Commitment]] = relationship(
        secondary=programme_indicator_commitment, order_by="Commitment.id"
    )
