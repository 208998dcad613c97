"""Workshops of a pact, who is enrolled in them (and who waits), and each workshop's
live board (phase, lock, vote budget, event counter)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.choices import BoardPhase, CardKind
from core.time import UTCDateTime, utcnow
from extensions import db

if TYPE_CHECKING:
    from core.models import Pact, Theme
    from stakeholders.models import Person


class WorkshopStatus(StrEnum):
    PLANNED = "planned"
    OPEN = "open"
    RUNNING = "running"
    FINISHED = "finished"
    CANCELLED = "cancelled"


class EnrolmentStatus(StrEnum):
    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"


class Attendance(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"


class EnrolmentSource(StrEnum):
    OFFICIAL = "official"
    SELF = "self"
    WALK_IN = "walk_in"
    BULK = "bulk"


DEFAULT_VOTE_BUDGET = 5

workshop_theme = Table(
    "workshop_theme",
    db.metadata,
    Column(
        "workshop_id", ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)

workshop_facilitator = Table(
    "workshop_facilitator",
    db.metadata,
    Column(
        "workshop_id", ForeignKey("workshop.id", ondelete="CASCADE"), primary_key=True
    ),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
)


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
    online_url: Mapped[str] = mapped_column(String(300), default="")
    capacity: Mapped[int | None] = mapped_column()
    language: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[str] = mapped_column(String(12), default=WorkshopStatus.PLANNED)
    # Walk-in join code (6 characters, no look-alike letters), accepted while it runs.
    join_code: Mapped[str] = mapped_column(String(6), unique=True)
    # Incremented whenever the time or place changes: the calendar invite's SEQUENCE.
    ics_sequence: Mapped[int] = mapped_column(default=0)
    # Bumped at the start of every enrolment change: serialises them per workshop.
    enrolment_lock: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pact: Mapped[Pact] = relationship()
    # The workshop's main board (its breakout groups' boards are not it).
    board: Mapped[Board] = relationship(
        primaryjoin="and_(Workshop.id == Board.workshop_id, "
        "Board.parent_board_id.is_(None))",
        uselist=False,
        viewonly=True,
    )
    themes: Mapped[list[Theme]] = relationship(
        secondary=workshop_theme, order_by="Theme.position"
    )
    facilitators: Mapped[list[Person]] = relationship(
        secondary=workshop_facilitator, order_by="Person.name"
    )
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="workshop", order_by="Enrolment.position"
    )

    def board_themes(self) -> list[Theme]:
        """The columns of the workshop's board: the themes chosen when it was planned,
        or, when none were chosen (workshops planned before the choice existed), every
        theme of the pact."""
        return list(self.themes) or list(self.pact.themes)


class Enrolment(db.Model):  # type: ignore[name-defined,misc]
    """A person's place in a workshop: enrolled, waiting (in `position` order), or
    declined; with their invitation's state and their attendance."""

    __tablename__ = "enrolment"
    __table_args__ = (UniqueConstraint("workshop_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(12), default=EnrolmentStatus.ENROLLED)
    position: Mapped[int] = mapped_column(default=0)
    source: Mapped[str] = mapped_column(String(12), default=EnrolmentSource.OFFICIAL)
    attendance: Mapped[str | None] = mapped_column(String(10))
    # Join links carry this number: revoking bumps it, so every earlier link dies.
    token_version: Mapped[int] = mapped_column(default=1)
    revoked: Mapped[bool] = mapped_column(default=False)
    # Removed from the live board by a facilitator: refused on every later event.
    removed: Mapped[bool] = mapped_column(default=False)
    removed_reason: Mapped[str] = mapped_column(Text, default="")
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, onupdate=utcnow
    )

    workshop: Mapped[Workshop] = relationship(back_populates="enrolments")
    person: Mapped[Person] = relationship()


class Board(db.Model):  # type: ignore[name-defined,misc]
    """A workshop's live board; a breakout group's board has the workshop's main
    board as its parent, a group number and name, and the time its cards and
    commitments went back to the main board (`returned_at`, set when the breakout
    ended)."""

    __tablename__ = "board"
    # One main board per workshop; its groups' boards share the workshop.
    __table_args__ = (
        Index(
            "uq_board_main_workshop",
            "workshop_id",
            unique=True,
            sqlite_where=text("parent_board_id IS NULL"),
            postgresql_where=text("parent_board_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE")
    )
    phase: Mapped[str] = mapped_column(String(10), default=BoardPhase.LOBBY)
    locked: Mapped[bool] = mapped_column(default=False)
    timer_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vote_budget: Mapped[int] = mapped_column(default=DEFAULT_VOTE_BUDGET)
    # Votes one person may put on one card (at most the budget).
    vote_per_card: Mapped[int] = mapped_column(
        default=DEFAULT_VOTE_BUDGET, server_default=str(DEFAULT_VOTE_BUDGET)
    )
    # Participants see the totals only once the facilitator revealed them.
    votes_revealed: Mapped[bool] = mapped_column(default=False, server_default=false())
    # What the facilitator has put in the spotlight for everyone: a card, a cluster
    # (its head card's id) or a commitment; both null when nothing is.
    spotlight_type: Mapped[str | None] = mapped_column(String(16))
    spotlight_id: Mapped[int | None] = mapped_column()
    seq: Mapped[int] = mapped_column(default=0)
    parent_board_id: Mapped[int | None] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), index=True
    )
    group_no: Mapped[int | None] = mapped_column()
    group_name: Mapped[str | None] = mapped_column(String(200))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    workshop: Mapped[Workshop] = relationship()


# Who is in each breakout group (participants; staff may follow any group).
breakout_member = Table(
    "breakout_member",
    db.metadata,
    Column("board_id", ForeignKey("board.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
)


class Card(db.Model):  # type: ignore[name-defined,misc]
    """An idea, need or question on a board, in a theme's column; a card may head a
    cluster (others point at it), be hidden by the facilitator, or be merged into
    another card. Deleted cards stay in the table for the history."""

    __tablename__ = "card"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), index=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("theme.id"))
    kind: Mapped[str] = mapped_column(String(10), default=CardKind.IDEA)
    text: Mapped[str] = mapped_column(Text)
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    hidden: Mapped[bool] = mapped_column(default=False)
    cluster_id: Mapped[int | None] = mapped_column(
        ForeignKey("card.id", ondelete="SET NULL")
    )
    merged_into_id: Mapped[int | None] = mapped_column(
        ForeignKey("card.id", ondelete="SET NULL")
    )
    deleted: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The breakout group's board it was written on, once back on the main board.
    group_board_id: Mapped[int | None] = mapped_column(
        ForeignKey("board.id", ondelete="SET NULL")
    )

    author: Mapped[Person] = relationship()
    group_board: Mapped[Board | None] = relationship(foreign_keys=[group_board_id])


class Comment(db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(
        ForeignKey("card.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Person] = relationship()


class Vote(db.Model):  # type: ignore[name-defined,misc]
    """One dot of a person's vote budget on a card (several dots per card allowed)."""

    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), index=True
    )
    card_id: Mapped[int] = mapped_column(
        ForeignKey("card.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BoardEvent(db.Model):  # type: ignore[name-defined,misc]
    """The append-only log of accepted board changes, numbered by a gap-free per-board
    `seq`: the audit trail, the source of reconnect catch-up, and the answer to a
    repeated client message id (`cid`)."""

    __tablename__ = "board_event"
    __table_args__ = (
        UniqueConstraint("board_id", "seq"),
        UniqueConstraint("board_id", "actor_id", "cid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    board_id: Mapped[int] = mapped_column(ForeignKey("board.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column()
    type: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    cid: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    ack: Mapped[dict[str, Any]] = mapped_column(JSON)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    actor: Mapped[Person | None] = relationship()


class AgendaItem(db.Model):  # type: ignore[name-defined,misc]
    """One planned step of a workshop's agenda: a board phase and its minutes, in the
    facilitator's order (`position`); a phase may come more than once, in any order."""

    __tablename__ = "agenda_item"
    __table_args__ = (UniqueConstraint("workshop_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(
        ForeignKey("workshop.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column()
    phase: Mapped[str] = mapped_column(String(10))
    minutes: Mapped[int] = mapped_column()


class ClosingMailing(db.Model):  # type: ignore[name-defined,misc]
    """The summary e-mailed to the participants when the board was last closed: the
    digest of what it said, so that closing again without news sends nothing."""

    __tablename__ = "closing_mailing"

    board_id: Mapped[int] = mapped_column(
        ForeignKey("board.id", ondelete="CASCADE"), primary_key=True
    )
    digest: Mapped[str] = mapped_column(String(64))
    recipients: Mapped[int] = mapped_column(default=0)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
