"""Which web origins may open a Socket.IO connection, and the start-up check of
PUBLIC_URL against the address the server listens on.

A browser's `Origin` is accepted when it is the request's own origin (the scheme and
`Host` of the request as the server sees them, so the page's own address works on any
port), PUBLIC_URL, or one of SOCKETIO_ALLOWED_ORIGINS; never "any origin". Origins are
compared as browsers write them: lower-case, without the scheme's default port.
`X-Forwarded-*` headers are not read here: trusting them is the job of the proxy
settings, which rewrite the request's scheme and host before it gets here."""

from __future__ import annotations

import ipaddress
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from flask import Flask

log = logging.getLogger("greenpact")

DEFAULT_PORTS = {"http": 80, "https": 443}
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})  # noqa: S104 - compared, never bound

OriginCheck = Callable[[str | None, Mapping[str, Any]], bool]


def origin_of(url: str) -> str | None:
    """`scheme://host[:port]` of an http(s) URL, as a browser sends it in `Origin`
    (lower-case, no default port, no path); None for anything else ("null", "*")."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    if port is None or port == DEFAULT_PORTS[scheme]:
        return f"{scheme}://{host}"
    return f"{scheme}://{host}:{port}"


def request_origin(environ: Mapping[str, Any]) -> str | None:
    """The origin a request was sent to: its scheme and `Host` header."""
    host = environ.get("HTTP_HOST")
    if not host:
        return None
    return origin_of(f"{environ.get('wsgi.url_scheme', 'http')}://{host}")


def accepted_origins(public_url: str, allowed: Iterable[str]) -> OriginCheck:
    """The Socket.IO server's `cors_allowed_origins`: Engine.IO calls it with the
    `Origin` header and the request's environ of every request that has one."""
    configured = {origin_of(url) for url in (public_url, *allowed)} - {None}

    def accepts(origin: str | None, environ: Mapping[str, Any]) -> bool:
        asked = origin_of(origin or "")
        return asked is not None and (
            asked in configured or asked == request_origin(environ)
        )

    return accepts


def local_url(host: str, port: int) -> str:
    """The address of a server listening on `host:port`, as this machine opens it
    (a wildcard address is opened as 127.0.0.1)."""
    name = "127.0.0.1" if host in WILDCARD_HOSTS else host
    if ":" in name:
        name = f"[{name}]"
    return f"http://{name}:{port}"


# --- the start-up check -------------------------------------------------------------


def _is_loopback(name: str) -> bool:
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _names_this_machine(name: str, host: str) -> bool:
    """Does `name` (PUBLIC_URL's host) name this machine: HOST itself, or loopback?
    Any other name may be a proxy's, which the server cannot see."""
    return name == host.lower() or _is_loopback(name)


def _listens_at(name: str, host: str) -> bool:
    """Does a server listening on `host` answer at `name` (any port)?"""
    host = host.lower()
    if name == host:
        return True
    return _is_loopback(name) and (_is_loopback(host) or host in WILDCARD_HOSTS)


def public_url_problems(
    public_url: str, allowed: Iterable[str], host: str, port: int
) -> list[str]:
    """What is wrong with PUBLIC_URL (and SOCKETIO_ALLOWED_ORIGINS) for a server
    listening on `host:port`, in words for the operator.

    PUBLIC_URL may name a proxy (another host, HTTPS, port 443): the server cannot
    see it, so any other name is taken as one and accepted. Only a PUBLIC_URL that
    names this machine (HOST itself, or a loopback address) must be where the
    server listens: that address, that port, plain HTTP (the app serves no TLS).
    Otherwise links in e-mails, the walk-in address and the board lead to where
    this server does not answer: the stale `PUBLIC_URL=http://127.0.0.1:5000` with
    `PORT=8080`. A proxy on this same machine serving PUBLIC_URL would be the only
    legitimate exception, and the message says so."""
    problems = [
        f"SOCKETIO_ALLOWED_ORIGINS entry {url!r} is not an http(s) origin; "
        "it is ignored."
        for url in allowed
        if origin_of(url) is None
    ]
    origin = origin_of(public_url)
    if origin is None:
        return [
            f"PUBLIC_URL {public_url!r} is not an http(s) address: links in e-mails "
            "will not work. Set it to the address people open, such as "
            "https://pact.example.org, or unset it.",
            *problems,
        ]
    parts = urlsplit(origin)
    hostname = parts.hostname or ""
    served = local_url(host, port)
    if not _names_this_machine(hostname, host):
        return problems
    same_port = (parts.port or DEFAULT_PORTS["http"]) == port
    if _listens_at(hostname, host) and parts.scheme == "http" and same_port:
        return problems
    return [
        f"PUBLIC_URL is {origin} but this server listens on {served}: links in "
        f"e-mails, the walk-in address and the board lead where it does not serve. "
        f"Unset PUBLIC_URL (the server then uses {served}) or set it to the address "
        f"people open; ignore this only if a proxy on this machine serves {origin}.",
        *problems,
    ]


def warn_about_public_url(app: Flask, host: str, port: int) -> None:
    """Log a warning for each misconfiguration of PUBLIC_URL that the server can
    see (`public_url_problems`); every entry point that serves calls it at start-up
    with the address it listens on."""
    for problem in public_url_problems(
        app.config["PUBLIC_URL"], app.config["SOCKETIO_ALLOWED_ORIGINS"], host, port
    ):
        log.warning("%s", problem)
