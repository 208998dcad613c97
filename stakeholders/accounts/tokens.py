"""The one-time links e-mailed to staff for an invitation or a password reset, on the
pattern of the login link (stakeholders.logins): only the token's SHA-256 digest is
stored, a link expires, works once, and is spent only by a POST (a mail scanner's
GET of the link changes nothing)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from enum import StrEnum

from sqlalchemy import select, update

from core.time import utcnow
from extensions import db
from stakeholders.models import AccountToken, Person


class Purpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(person_id: int, purpose: Purpose, seconds: int) -> str:
    """A new link's token for the person (in the caller's unit of work); their
    earlier unused links for the same purpose stop working."""
    now = utcnow()
    db.session.execute(
        update(AccountToken)
        .where(
            AccountToken.person_id == person_id,
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
        )
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        AccountToken(
            token_hash=_digest(token),
            purpose=purpose,
            person_id=person_id,
            created_at=now,
            expires_at=now + timedelta(seconds=seconds),
        )
    )
    return token


def _usable(person: Person | None) -> Person | None:
    """Only an active staff account may use a link."""
    if person is None or not person.active or not person.is_staff:
        return None
    return person


def token_person(token: str, purpose: Purpose) -> Person | None:
    """Whose link this is, while it still works (a read: nothing is spent)."""
    person_id = db.session.scalar(
        select(AccountToken.person_id).where(
            AccountToken.token_hash == _digest(token),
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > utcnow(),
        )
    )
    return _usable(db.session.get(Person, person_id) if person_id else None)


def spend_token(token: str, purpose: Purpose) -> Person | None:
    """Use the link (in the caller's unit of work): its person, or None when it is
    unknown, used, expired, or its person may not log in. Two POSTs at once: one
    wins."""
    now = utcnow()
    person_id = db.session.scalar(
        update(AccountToken)
        .where(
            AccountToken.token_hash == _digest(token),
            AccountToken.purpose == purpose,
            AccountToken.used_at.is_(None),
            AccountToken.expires_at > now,
        )
        .values(used_at=now)
        .returning(AccountToken.person_id)
    )
    return _usable(db.session.get(Person, person_id) if person_id else None)
