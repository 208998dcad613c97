"""Sessions opened from a personal link (no password): logging the person in, the
headers that keep the link's address out of Referer headers and caches, why a token
was refused, and the decorator for pages only such a session may see. The workshops'
join links and the pacts' member links both use them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from flask import redirect, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from werkzeug.wrappers import Response

from extensions import db
from stakeholders.models import Person

F = TypeVar("F", bound=Callable[..., Any])

# Tokens travel in these URLs: keep them out of Referer headers and caches.
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
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


def open_session(person_id: int, endpoint: str) -> Response:
    """Log the person in from a personal link and go on to `endpoint`, keeping the
    link's address out of Referer headers and caches."""
    login_user(cast(Person, db.session.get(Person, person_id)))
    response = redirect(url_for(endpoint))
    response.headers.update(PRIVATE_HEADERS)
    return response
