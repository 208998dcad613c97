"""Workshops and their live boards. For now only what a pact's demo and the CLI need:
a workshop of a pact and its board (phase, lock, vote budget, event counter)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from extensions import db
from timeutil import UTCDateTime, utcnow

if TYPE_CHECKING:
    from pacts.models import Pact


class WorkshopStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class BoardPhase(StrEnum):
    LOBBY = "lobby"
    IDEAS = "ideas"
    CLUSTER = "cluster"
    DRAFT = "draft"
    VOTE = "vote"
    SIGN = "sign"
    CLOSED = "closed"


DEFAULT_VOTE_BUDGET = 5


class Workshop(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(
        ForeignKey("pact.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int | None] = mapped_column()
    language: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[str] = mapped_column(String(12), default=WorkshopStatus.PLANNED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pact: Mapped[Pact] = relationship()
    board: Mapped[Board] = relationship(back_populates="workshop", uselist=False)


class Board(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "board"

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), unique=True
    )
    phase: Mapped[str] = mapped_column(String(10), default=BoardPhase.LOBBY)
    locked: Mapped[bool] = mapped_column(default=False)
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_budget: Mapped[int] = mapped_column(default=DEFAULT_VOTE_BUDGET)
    seq: Mapped[int] = mapped_column(default=0)

    workshop: Mapped[Workshop] = relationship(back_populates="board")
