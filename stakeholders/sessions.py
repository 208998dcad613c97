"""Logging a person in and out of the browser, and the sessions opened from a
personal link (no password): the headers that keep the link's address out of Referer
headers and caches, why a token was refused, and the decorator for pages only such a
session may see. The workshops' join links and the pacts' member links both use them.

Every login is a server-side session (stakeholders.logins): Flask-Login keeps its
token, not the person's id, in the session cookie, and `stakeholders.auth.load_person`
resolves it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import redirect, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from extensions import db
from stakeholders.logins import end_login_session, open_login_session
from stakeholders.models import Person

# Where Flask-Login keeps the user's "id" in the session cookie: here, the token of
# the server-side login session.
SESSION_KEY = "_user_id"

F = TypeVar("F", bound=Callable[..., Any])

# Tokens travel in these URLs: keep them out of Referer headers and caches.
# Why a personal link's token was refused, for the visitor.
TOKEN_PROBLEMS = {
    "invalid": _l(
        "This link is not valid: it may have been copied incompletely or changed."
    ),
    "expired": _l("This link has expired."),
}


def participant_required(view: F) -> F:
    """A participant's session only: staff go to their area, others to /me, which
    explains how to use the link from the e-mail."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_authenticated and current_user.is_staff:
            return redirect(url_for("staff.index"))
        if not current_user.is_authenticated:
            return redirect(url_for("workshops.my_workshops"))
        return view(*args, **kwargs)

    return cast(F, wrapper)


def log_in(person_id: int, token: str | None = None) -> None:
    """Log the person in, with a new server-side session (or `token`, one just
    opened for them)."""
    token = token or open_login_session(person_id)
    login_user(cast(Person, db.session.get(Person, person_id)))
    session[SESSION_KEY] = token


def current_session_token() -> str | None:
    token = session.get(SESSION_KEY)
    return token if isinstance(token, str) else None


def log_out() -> None:
    """End this login session on the server too: a copy of the cookie dies with it."""
    token = current_session_token()
    logout_user()
    if token:
        end_login_session(token)


def open_session(person_id: int, endpoint: str) -> Response:
    """Log the person in from a personal link and go on to `endpoint` (the link's
    address stays out of Referer headers and caches: core.headers)."""
    log_in(person_id)
    return redirect(url_for(endpoint))
