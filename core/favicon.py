"""The site's icon at /favicon.ico, where browsers ask for it on every page whatever
the page links (pages link static/favicon.svg, with this ICO as the fallback)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Flask, Response, current_app

ENDPOINT = "favicon"
ONE_DAY = 24 * 60 * 60


@cache
def _icon(static_folder: str) -> bytes:
    return (Path(static_folder) / "favicon.ico").read_bytes()


def favicon() -> Response:
    response = Response(
        _icon(str(current_app.static_folder)), mimetype="image/vnd.microsoft.icon"
    )
    response.cache_control.public = True
    response.cache_control.max_age = ONE_DAY
    return response


def init_app(app: Flask) -> None:
    app.add_url_rule("/favicon.ico", ENDPOINT, favicon)
