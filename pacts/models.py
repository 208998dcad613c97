"""The pact's monitoring records: progress reports on commitments, the reminders sent
for them, and the programme's headline indicators."""

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

from core.time import UTCDateTime, utcnow
from extensions import db

if TYPE_CHECKING:
    from commitments.models import Commitment
    from stakeholders.models import Person


class ProgressReport(db.Model):  # type: ignore[name-defined,misc]
    """A lead's report on a commitment: the indicator's value on a date, what
    happened, optional evidence (a link or an uploaded file), and the status it
    leaves the commitment in, and its verification."""

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
    # Its verification (pacts.verification): the state, the official who verified
    # or returned it and when, the comment of a return, and the returned report a
    # correcting report supersedes.
    verification: Mapped[str] = mapped_column(
        String(20), default="self-reported", server_default="self-reported"
    )
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    review_comment: Mapped[str] = mapped_column(Text, default="", server_default="")
    supersedes_id: Mapped[int | None] = mapped_column(
        ForeignKey("progress_report.id", ondelete="SET NULL")
    )

    commitment: Mapped[Commitment] = relationship(back_populates="reports")
    reported_by: Mapped[Person | None] = relationship(foreign_keys=[reported_by_id])
    reviewed_by: Mapped[Person | None] = relationship(foreign_keys=[reviewed_by_id])
    supersedes: Mapped[ProgressReport | None] = relationship(
        remote_side=[id], foreign_keys=[supersedes_id]
    )


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
