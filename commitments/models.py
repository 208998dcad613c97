"""Commitments: what an organisation will do for the pact, measured by an indicator,
who co-signs it and which version each signed, and every edit made outside a board.
The board and the pact pages both build on these."""

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

from core.choices import CommitmentStatus
from core.time import UTCDateTime, utcnow
from extensions import db

if TYPE_CHECKING:
    from core.models import Pact, Theme
    from pacts.models import ProgressReport
    from stakeholders.models import Organisation, Person
    from workshops.models import Board, Card


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
    group_board_id: Mapped[int | None] = mapped_column(
        ForeignKey("board.id", ondelete="SET NULL")
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
    # When it became part of the published pact: the publication for those signed
    # before it, the day it was signed for those that joined later.
    joined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When an official withdrew it from the published pact (the reason is in
    # `status_reason` and in the pact's change log).
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    pact: Mapped[Pact] = relationship()
    board: Mapped[Board | None] = relationship(foreign_keys=[board_id])
    # The breakout group's board it was drafted on, once back on the main board.
    group_board: Mapped[Board | None] = relationship(foreign_keys=[group_board_id])
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


class PactChangeKind(StrEnum):
    PUBLISHED = "published"
    JOINED = "joined"
    WITHDRAWN = "withdrawn"
    DOCUMENT = "document"


class PactChange(db.Model):  # type: ignore[name-defined,misc]
    """One entry of a published pact's public change log: the publication, a
    commitment joining or withdrawn (with the official's reason), a change of the
    pact document. Append-only; it holds nothing that is not public already (no
    person: who did it is in the staff audit log)."""

    __tablename__ = "pact_change"
    __table_args__ = (Index("ix_pact_change_pact_at", "pact_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pact.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))
    commitment_id: Mapped[int | None] = mapped_column(
        ForeignKey("commitment.id", ondelete="CASCADE")
    )
    # The withdrawal's reason, as the official wrote it for the public.
    reason: Mapped[str] = mapped_column(Text, default="")
    # The publication's number of commitments; a document change's field names.
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    commitment: Mapped[Commitment | None] = relationship()
