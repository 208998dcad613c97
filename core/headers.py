"""Security headers on every response: a Content-Security-Policy with a fresh nonce
per request (templates read it as `csp_nonce()`), no framing, no MIME sniffing, a
Referrer-Policy (none at all on pages whose address holds a personal token or code),
HSTS when PUBLIC_URL is https, and `Cache-Control: no-store` on every page except
the public ones a view marks with `@public_page`, and those only for visitors who
are not logged in (a logged-in page carries their CSRF token and their menu).

One `after_request` rather than Flask-Talisman: Talisman has had no release since
2023, and what GreenPact needs beyond it (no-store by default, the socket's ws(s)
origin in connect-src, no-referrer by route) would be configured around it anyway."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask_login import current_user
from werkzeug.wrappers import Response

from core.origins import origin_of

F = TypeVar("F", bound=Callable[..., Any])

# Query parameters and URL parts that carry a secret: the page gets no Referer.
# For a response whose body holds personal data or a personal link although its
# address holds no secret (the address-based rules below already cover the rest):
# kept out of caches and of Referer headers.
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}
SECRET_PARAMETERS = frozenset({"code", "token"})
SECRET_VIEW_ARGUMENTS = frozenset({"token"})
# Public endpoints outside the blueprints: Flask's static files and the site icon.
PUBLIC_ENDPOINTS = frozenset({"static", "favicon"})


def public_page(view: F) -> F:
    """Mark a view whose response is the same for every anonymous visitor and holds
    no personal data: it may be cached. Every other response gets `no-store`."""
    view.public_page = True  # type: ignore[attr-defined]
    return view


def csp_nonce() -> str:
    """This request's CSP nonce (made on first use): `<script nonce="{{ csp_nonce()
    }}">` is the only way an inline script may run."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return str(g.csp_nonce)


def websocket_origin(origin: str) -> str:
    """`ws://host[:port]` for `http://…`, `wss://…` for `https://…`."""
    scheme, rest = origin.split("://", 1)
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}"


def socket_sources(public_url: str, request_url: str) -> list[str]:
    """connect-src beyond 'self': the ws(s) form of the public origin and of the
    page's own origin, where the board's Socket.IO connection goes."""
    origins = [origin_of(public_url), origin_of(request_url)]
    unique = dict.fromkeys(origin for origin in origins if origin is not None)
    return [websocket_origin(origin) for origin in unique]


def content_security_policy(nonce: str, sockets: list[str]) -> str:
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'", *sockets],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "object-src": ["'none'"],
    }
    return "; ".join(
        f"{name} {' '.join(values)}" for name, values in directives.items()
    )


def is_https(public_url: str) -> bool:
    return urlsplit(public_url).scheme.lower() == "https"


def _is_public() -> bool:
    if request.endpoint is None:
        return False
    view = current_app.view_functions.get(request.endpoint)
    return bool(getattr(view, "public_page", False))


def _holds_a_secret() -> bool:
    """Is a token or code in this page's address (path or query)?"""
    in_path = SECRET_VIEW_ARGUMENTS & set(request.view_args or ())
    return bool(in_path or SECRET_PARAMETERS & set(request.args))


def _cacheable() -> bool:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return True  # static files and the icon: the same for everyone
    return _is_public() and not current_user.is_authenticated


def set_security_headers(response: Response) -> Response:
    config = current_app.config
    sockets = socket_sources(config["PUBLIC_URL"], request.host_url)
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), sockets)
    headers["X-Frame-Options"] = "DENY"
    headers["X-Content-Type-Options"] = "nosniff"
    if _holds_a_secret():
        headers["Referrer-Policy"] = "no-referrer"
    else:
        headers.setdefault("Referrer-Policy", "same-origin")
    if is_https(config["PUBLIC_URL"]):
        headers["Strict-Transport-Security"] = f"max-age={config['HSTS_MAX_AGE']}"
    if not _cacheable():
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(set_security_headers)
    app.add_template_global(csp_nonce)
