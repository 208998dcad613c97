"""The visitor's language. A pact's pages speak the pact's languages only (its
`languages`, the first being its default); every other page any of `LANGUAGES`
(English by default). The language is, in this order: the one asked for with
`?lang=` (then remembered in the session), the one remembered, the logged-in
person's preferred one, the browser's best match, the default.

The current pact is found from the page's URL alone, the same way for every
blueprint: a `slug` names it, and a `workshop_id` or `commitment_id` names an object
whose table holds its `pact_id` (`PACT_SCOPED_ARGS`)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from core.models import Pact
from extensions import db

log = logging.getLogger("greenpact.locales")

LANGUAGE_ARG = "lang"
SESSION_KEY = "lang"
# URL arguments naming a pact-scoped object, and the table holding its `pact_id`.
PACT_SCOPED_ARGS = {"workshop_id": "workshop", "commitment_id": "commitment"}
_UNKNOWN = object()


def init_app(app: Flask) -> None:
    app.before_request(remember_asked_language)


def supported_languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def current_pact() -> Pact | None:
    """The pact of the page being served (looked up once per request), or None for
    a page outside any pact."""
    if not has_request_context():
        return None
    pact = g.get("locale_pact", _UNKNOWN)
    if pact is _UNKNOWN:
        pact = g.locale_pact = _pact_of(request.view_args or {})
    return pact if isinstance(pact, Pact) else None


def _pact_of(args: dict[str, Any]) -> Pact | None:
    query = _pact_query(args)
    if query is None:
        return None
    try:
        pact: Pact | None = db.session.scalar(query)
    except SQLAlchemyError as exc:
        # An error page rendered while the database is away still gets a language
        # (the error handler has rolled the session back already).
        log.warning("no pact for the page's language: %s", type(exc).__name__)
        return None
    return pact


def _pact_query(args: dict[str, Any]) -> Any:
    slug = args.get("slug")
    if isinstance(slug, str):
        return select(Pact).where(Pact.slug == slug)
    for name, table_name in PACT_SCOPED_ARGS.items():
        value = args.get(name)
        if isinstance(value, int):
            table = db.metadata.tables[table_name]
            return (
                select(Pact)
                .join(table, table.c.pact_id == Pact.id)
                .where(table.c.id == value)
            )
    return None


def offered_languages() -> list[str]:
    """The languages this page may be shown in: the current pact's (its default
    first), else every supported one."""
    supported = supported_languages()
    pact = current_pact()
    own = [code for code in pact.language_list if code in supported] if pact else []
    return own or supported


def asked_language() -> str | None:
    """The language asked for with `?lang=`, when this page offers it."""
    if not has_request_context():
        return None
    asked = request.args.get(LANGUAGE_ARG)
    if not asked:
        return None
    return asked if asked in offered_languages() else None


def remember_asked_language() -> None:
    asked = asked_language()
    if asked is not None:
        session[SESSION_KEY] = asked


def _person_language() -> str | None:
    if not current_user or not current_user.is_authenticated:
        return None
    return getattr(current_user, "language", None)


def select_locale() -> str:
    """Flask-Babel's locale selector: see the module's docstring for the order."""
    if not has_request_context():
        return supported_languages()[0]
    offered = offered_languages()
    for choice in (asked_language(), session.get(SESSION_KEY), _person_language()):
        if choice in offered:
            return str(choice)
    return request.accept_languages.best_match(offered) or offered[0]


def language_name(code: str) -> str:
    """A language named in itself: "English", "Română", "Italiano", "Español"."""
    return (Locale.parse(code).get_display_name(code) or code).title()


def language_url(code: str) -> str:
    """This page in another language: the same path and query, `lang` replaced."""
    args = [
        (key, value)
        for key, value in request.args.items(multi=True)
        if key != LANGUAGE_ARG
    ]
    return f"{request.script_root}{request.path}?{urlencode([*args, ('lang', code)])}"


def language_links() -> list[dict[str, str]]:
    """The language switcher's entries: each language this page offers, named in
    itself, with the address of this page in it."""
    return [
        {"code": code, "name": language_name(code), "url": language_url(code)}
        for code in offered_languages()
    ]
