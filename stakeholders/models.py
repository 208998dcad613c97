"""Stakeholders: organisations that register for a pact, the people who act for them
(including staff), the consent each registration gave, and staff membership of pacts."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from flask_login import UserMixin
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
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.choices import AccountKind, RegistrationStatus, Role
from core.time import UTCDateTime, utcnow
from extensions import db

if TYPE_CHECKING:
    from core.models import Pact, Theme

organisation_theme = Table(
    "organisation_theme",
    db.metadata,
    Column(
        "organisation_id",
        ForeignKey("organisation.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("theme_id", ForeignKey("theme.id", ondelete="CASCADE"), primary_key=True),
)


class StaffMembership(db.Model):  # type: ignore[name-defined,misc]
    """A staff member's role in one pact: official or facilitator. The same person
    may be an official of one pact and a facilitator of another."""

    __tablename__ = "staff_pact"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), primary_key=True
    )
    pact_id: Mapped[int] = mapped_column(
        ForeignKey("pact.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(20))

    person: Mapped[Person] = relationship(back_populates="memberships")
    pact: Mapped[Pact] = relationship()


staff_pact = StaffMembership.__table__


class Organisation(db.Model):  # type: ignore[name-defined,misc]
    """A registration: one organisation signing up for one pact. Size, sector and place
    are unknown for walk-ins at a workshop until the official completes them."""

    __tablename__ = "organisation"
    __table_args__ = (
        UniqueConstraint("pact_id", "registration_number"),
        Index("ix_organisation_pact_status", "pact_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int] = mapped_column(ForeignKey("pact.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    size: Mapped[str | None] = mapped_column(String(10))
    sector: Mapped[str | None] = mapped_column(String(1))
    locality: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    country: Mapped[str] = mapped_column(String(2))
    registration_number: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    motivation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=RegistrationStatus.PENDING)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL", use_alter=True)
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    pact: Mapped[Pact] = relationship()
    people: Mapped[list[Person]] = relationship(
        back_populates="organisation",
        foreign_keys="Person.organisation_id",
        order_by="Person.id",
    )
    services: Mapped[list[OrganisationService]] = relationship(
        cascade="all, delete-orphan", order_by="OrganisationService.service"
    )
    themes: Mapped[list[Theme]] = relationship(
        secondary=organisation_theme, order_by="Theme.position"
    )
    consents: Mapped[list[Consent]] = relationship(back_populates="organisation")

    @property
    def contact(self) -> Person | None:
        return self.people[0] if self.people else None

    @property
    def service_keys(self) -> list[str]:
        return [row.service for row in self.services]


class OrganisationService(db.Model):  # type: ignore[name-defined,misc]
    """A service an organisation asked for (one row each, so they filter and count)."""

    __tablename__ = "organisation_service"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True
    )
    service: Mapped[str] = mapped_column(String(30), primary_key=True)


class Person(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """Anyone who acts in GreenPact. Staff (officials, facilitators) have a password and
    belong to pacts; participants are a registration's contact, bound to one pact."""

    __tablename__ = "person"
    __table_args__ = (
        # One contact per e-mail per pact; staff e-mails are unique across the
        # installation.
        Index(
            "uq_person_pact_email",
            "pact_id",
            "email",
            unique=True,
            sqlite_where=Column("pact_id").isnot(None),
            postgresql_where=Column("pact_id").isnot(None),
        ),
        Index(
            "uq_person_staff_email",
            "email",
            unique=True,
            sqlite_where=Column("pact_id").is_(None),
            postgresql_where=Column("pact_id").is_(None),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pact_id: Mapped[int | None] = mapped_column(
        ForeignKey("pact.id", ondelete="CASCADE")
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    # Participant, staff or administrator; a staff member's role is per pact
    # (memberships).
    kind: Mapped[str] = mapped_column(String(20), default=AccountKind.PARTICIPANT)
    # The language the person uses GreenPact in: e-mails are written in it.
    language: Mapped[str] = mapped_column(String(10), default="en")
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Erased (anonymised) at the person's request: the row stays for the history it
    # is named in (cards, signatures, board events), without anything personal.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # An official's daily e-mail about registrations waiting (they may turn it off).
    daily_digest: Mapped[bool] = mapped_column(default=True, server_default=true())

    organisation: Mapped[Organisation | None] = relationship(
        back_populates="people", foreign_keys=[organisation_id]
    )
    memberships: Mapped[list[StaffMembership]] = relationship(
        back_populates="person", cascade="all, delete-orphan"
    )
    # The pacts the person is staff of (read-only: memberships are written).
    pacts: Mapped[list[Pact]] = relationship(
        secondary="staff_pact", order_by="Pact.id", viewonly=True
    )

    @property
    def is_staff(self) -> bool:
        return self.kind in (AccountKind.STAFF, AccountKind.ADMIN)

    @property
    def is_admin(self) -> bool:
        return self.kind == AccountKind.ADMIN

    def role_in(self, pact_id: int) -> str | None:
        """Official or facilitator of this pact, or None."""
        if not self.is_staff:
            return None
        return next(
            (m.role for m in self.memberships if m.pact_id == pact_id),
            None,
        )

    def is_official_of(self, pact_id: int) -> bool:
        return self.role_in(pact_id) == Role.OFFICIAL

    @property
    def official_pacts(self) -> list[Pact]:
        return [m.pact for m in self.memberships if m.role == Role.OFFICIAL]

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_authenticated(self) -> bool:  # Flask-Login
        # A session opened before the person was deactivated or erased counts as
        # logged out on its next request, wherever it is checked.
        return self.active

    @property
    def accepts_email(self) -> bool:
        """Whether GreenPact may still write to this person: not erased or
        deactivated, and their registration's consent not withdrawn."""
        organisation = self.organisation
        withdrawn = (
            organisation is not None
            and organisation.status == RegistrationStatus.WITHDRAWN
        )
        return self.active and not withdrawn

    def get_id(self) -> str:  # Flask-Login
        return str(self.id)


class Consent(db.Model):  # type: ignore[name-defined,misc]
    """Proof of consent to data processing: which text (version, language, the words
    themselves), when, and from which address."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE")
    )
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip_address: Mapped[str | None] = mapped_column(String(45))
    # When the person withdrew it (from their page); the record itself stays as the
    # proof of what was agreed, and until when.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(back_populates="consents")
    person: Mapped[Person] = relationship()


class DeliveryStatus(StrEnum):
    ASSIGNED = "assigned"
    IN_PROGRESS = "in progress"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class ServiceDelivery(db.Model):  # type: ignore[name-defined,misc]
    """The delivery of a service an organisation asked for at registration
    (mentoring, crowdfunding support, EU-funding guidance…): the expert an official
    assigned, its state, and its outcome (for a crowdfunding campaign: launched, and
    the amount raised)."""

    __tablename__ = "service_delivery"
    __table_args__ = (UniqueConstraint("organisation_id", "service"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    service: Mapped[str] = mapped_column(String(30))
    expert_name: Mapped[str] = mapped_column(String(120))
    expert_email: Mapped[str | None] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(12), default=DeliveryStatus.ASSIGNED)
    outcome: Mapped[str] = mapped_column(Text, default="")
    campaign_launched: Mapped[bool | None] = mapped_column()
    amount_raised: Mapped[float | None] = mapped_column(Float)
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship()
    sessions: Mapped[list[ServiceSession]] = relationship(
        back_populates="delivery",
        order_by="ServiceSession.held_on",
        cascade="all, delete-orphan",
    )


class ServiceSession(db.Model):  # type: ignore[name-defined,misc]
    """One session of a service delivery: when, how long, and what came of it."""

    __tablename__ = "service_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    delivery_id: Mapped[int] = mapped_column(
        ForeignKey("service_delivery.id", ondelete="CASCADE"), index=True
    )
    held_on: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(default=60)
    notes: Mapped[str] = mapped_column(Text, default="")
    logged_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("person.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    delivery: Mapped[ServiceDelivery] = relationship(back_populates="sessions")


class LoginSession(db.Model):  # type: ignore[name-defined,misc]
    """A login, on the server: the session cookie carries only its token, and this
    row holds the token's SHA-256 digest. Logging out deletes it, a password change
    deletes the person's others, so a copy of the cookie stops working everywhere."""

    __tablename__ = "login_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # digest of token
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    person: Mapped[Person] = relationship()


class LoginLink(db.Model):  # type: ignore[name-defined,misc]
    """A one-time login link e-mailed to a staff member: the digest of its token,
    when it stops working, and when it was used (a link works once)."""

    __tablename__ = "login_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(
        ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RegistrationChange(db.Model):  # type: ignore[name-defined,misc]
    """An official's edit of a registration: who, when, and the names of the fields
    changed (never their values: the old ones are personal data that an edit or
    an erasure must be able to remove)."""

    __tablename__ = "registration_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    # The staff member's id, kept like the audit log's even once they are gone.
    actor_id: Mapped[int]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)


class RegistrationDigest(db.Model):  # type: ignore[name-defined,misc]
    """The daily e-mail an official got about a pact's waiting registrations: one
    row per official, pact and day (in the pact's timezone), so that sending the
    digests again the same day sends nothing."""

    __tablename__ = "registration_digest"
    __table_args__ = (UniqueConstraint("person_id", "pact_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id", ondelete="CASCADE"))
    pact_id: Mapped[int] = mapped_column(ForeignKey("pact.id", ondelete="CASCADE"))
    sent_on: Mapped[date] = mapped_column(Date)
    pending: Mapped[int]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
