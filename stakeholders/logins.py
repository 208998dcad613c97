"""Logins kept on the server, and one-time login links.

A login session is a row (`LoginSession`); the browser's session cookie carries only
its random token, and the row only the token's digest. Logging out deletes the row and
a password change deletes the person's others, so a cookie copied before no longer
opens anything. A session unused for `LOGIN_SESSION_IDLE_SECONDS` ends by itself.

A login link is how a staff member whose account is locked by failed logins (or who
forgot the password) gets in: e-mailed on request, it works once, within
`LOGIN_LINK_TTL_SECONDS`, and is consumed only by a POST (a mail scanner's GET of the
link changes nothing)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select, update

from core.errors import DomainError
from core.links import public_url
from core.mail import queue_template_email
from core.session_ends import LOGGED_OUT, SessionEnd, announce_session_end
from core.time import utcnow
from core.transactions import use_case
from extensions import db
from stakeholders.models import LoginLink, LoginSession, Person

# last_seen_at is written at most this often per session (not on every request).
SEEN_EVERY = timedelta(minutes=5)


def session_digest(token: str) -> str:
    """What the server keeps of a login session's token (the row's id)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _idle_limit() -> timedelta:
    return timedelta(seconds=int(current_app.config["LOGIN_SESSION_IDLE_SECONDS"]))


@use_case
def open_login_session(person_id: int) -> str:
    """A new login session for the person; its token (for the session cookie). The
    person's sessions idle for too long are purged on the way."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.execute(
        delete(LoginSession).where(
            LoginSession.person_id == person_id,
            LoginSession.last_seen_at < now - _idle_limit(),
        )
    )
    db.session.add(
        LoginSession(
            id=session_digest(token),
            person_id=person_id,
            created_at=now,
            last_seen_at=now,
        )
    )
    return token


def session_person(token: str) -> Person | None:
    """Who is logged in with this session token: None when it is unknown, ended,
    idle for too long, or its person is no longer active."""
    return login_session_person(session_digest(token))


def login_session_person(digest: str) -> Person | None:
    """`session_person` by the session's digest (what a staff token carries)."""
    login = db.session.get(LoginSession, digest)
    now = utcnow()
    if login is None or login.last_seen_at < now - _idle_limit():
        return None
    person = login.person
    if not person.active:
        return None
    if now - login.last_seen_at > SEEN_EVERY:
        person_id = person.id
        _mark_seen(login.id, now)
        return db.session.get(Person, person_id)
    return person


@use_case
def _mark_seen(digest: str, now: datetime) -> None:
    db.session.execute(
        update(LoginSession).where(LoginSession.id == digest).values(last_seen_at=now)
    )


@use_case
def end_login_session(token: str) -> None:
    """Log out: the session ends on the server, whatever copies of it exist, and
    what is open with it (the board) is closed."""
    digest = session_digest(token)
    person_id = db.session.scalar(
        delete(LoginSession)
        .where(LoginSession.id == digest)
        .returning(LoginSession.person_id)
    )
    if person_id is not None:
        announce_session_end(SessionEnd(person_id, LOGGED_OUT, logins=(digest,)))


def end_other_sessions(person_id: int, keep: str | None, reason: str) -> int:
    """End every session of the person but `keep` (a token; None ends them all),
    inside the caller's unit of work, and close what is open with them (the board),
    saying `reason` (core.session_ends); how many ended."""
    query = delete(LoginSession).where(LoginSession.person_id == person_id)
    if keep is not None:
        query = query.where(LoginSession.id != session_digest(keep))
    ended = tuple(db.session.scalars(query.returning(LoginSession.id)))
    if ended:
        announce_session_end(SessionEnd(person_id, reason, logins=ended))
    return len(ended)


@use_case
def request_login_link(email: str) -> None:
    """E-mail a one-time login link to the staff member with this address. Nothing
    happens for an unknown or inactive address, and the caller answers the same."""
    person = db.session.scalar(
        select(Person).where(
            Person.pact_id.is_(None), Person.email == email.strip().lower()
        )
    )
    if person is None or not person.active or not person.is_staff:
        return
    token = secrets.token_urlsafe(32)
    ttl = int(current_app.config["LOGIN_LINK_TTL_SECONDS"])
    db.session.add(
        LoginLink(
            token_hash=session_digest(token),
            person_id=person.id,
            expires_at=utcnow() + timedelta(seconds=ttl),
        )
    )
    queue_template_email(
        person.email,
        person.language,
        "login_link",
        person=person,
        link=f"{public_url()}/login/link/{token}",
        minutes=ttl // 60,
    )


@use_case
def use_login_link(token: str) -> dict[str, int | str]:
    """Consume a login link and open a login session with it: `{"person", "email",
    "session"}` (the session's token). DomainError `invalid` when the link is
    unknown, used, expired, or its person may no longer log in."""
    now = utcnow()
    person_id = db.session.scalar(
        update(LoginLink)
        .where(
            LoginLink.token_hash == session_digest(token),
            LoginLink.used_at.is_(None),
            LoginLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(LoginLink.person_id)
    )
    person = db.session.get(Person, person_id) if person_id is not None else None
    if person is None or not person.active or not person.is_staff:
        raise DomainError(
            "invalid",
            _(
                "This login link does not work: it was used already, it has "
                "expired, or it was copied incompletely. Ask for a new one."
            ),
        )
    return {
        "person": person.id,
        "email": person.email,
        "session": open_login_session(person.id),
    }
