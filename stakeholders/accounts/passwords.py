"""Setting a password from an e-mailed link (an invitation's first password, or a
forgotten one's reset), and "Forgot your password?". The new password is hashed
before the link is spent, while no transaction is open (core.passwords); spending
the link, storing the hash, ending every session of the account and opening the new
one are one unit of work."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import gettext as _

from core.errors import DomainError
from core.links import public_url
from core.mail import queue_template_email
from core.passwords import hash_password
from core.session_ends import PASSWORD_CHANGED
from core.transactions import unit_of_work, use_case
from stakeholders.accounts.tokens import Purpose, issue_token, spend_token, token_person
from stakeholders.logins import end_other_sessions, open_login_session
from stakeholders.services import check_password_length, find_staff

LINK_PATHS = {
    Purpose.INVITATION: "/invitation/",
    Purpose.PASSWORD_RESET: "/password/reset/",
}


def link_problem(purpose: Purpose) -> str:
    """Why a link does not work, for the visitor, with what to do instead."""
    if purpose == Purpose.INVITATION:
        return str(
            _(
                "This invitation link does not work: it was used already, it has "
                "expired, or it was copied incompletely. Ask for a new one with "
                "\u201cForgot your password?\u201d, or ask the person who invited you."
            )
        )
    return str(
        _(
            "This password reset link does not work: it was used already, it has "
            "expired, or it was copied incompletely. Ask for a new one."
        )
    )


def link_holder(token: str, purpose: Purpose) -> dict[str, Any] | None:
    """`{"name", "email"}` of the link's person while the link works; None
    otherwise. Nothing is spent."""
    with unit_of_work():
        person = token_person(token, purpose)
        return None if person is None else {"name": person.name, "email": person.email}


def set_password_with_link(
    token: str, purpose: Purpose, password: str, name: str | None = None
) -> dict[str, Any]:
    """Spend the link and set the account's password (and, for an invitation, the
    name the person confirmed): every other session of the account ends and a new
    one opens, `{"person", "email", "session"}`. DomainError `invalid` when the
    link does not work."""
    check_password_length(password, "password")
    if link_holder(token, purpose) is None:
        raise DomainError("invalid", link_problem(purpose))
    return _store_password(token, purpose, hash_password(password), name)


@use_case
def _store_password(
    token: str, purpose: Purpose, password_hash: str, name: str | None
) -> dict[str, Any]:
    person = spend_token(token, purpose)
    if person is None:
        raise DomainError("invalid", link_problem(purpose))
    person.password_hash = password_hash
    if name:
        person.name = name
    end_other_sessions(person.id, keep=None, reason=PASSWORD_CHANGED)
    return {
        "person": person.id,
        "email": person.email,
        "session": open_login_session(person.id),
    }


@use_case
def request_password_reset(email: str) -> None:
    """E-mail a one-time reset link to the active staff account with this address
    (an invited one too). Nothing happens for an unknown or deactivated address,
    and the caller answers the same."""
    person = find_staff(email)
    if person is None or not person.active or not person.is_staff:
        return
    seconds = int(current_app.config["PASSWORD_RESET_TTL_SECONDS"])
    token = issue_token(person.id, Purpose.PASSWORD_RESET, seconds)
    queue_template_email(
        person.email,
        person.language,
        "password_reset",
        person=person,
        link=f"{public_url()}{LINK_PATHS[Purpose.PASSWORD_RESET]}{token}",
        minutes=seconds // 60,
    )
