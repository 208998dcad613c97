"""Links the app sends out (in e-mails, documents and open data): the public address
they start with."""

from __future__ import annotations

from flask import current_app


def public_url() -> str:
    return str(current_app.config["PUBLIC_URL"]).rstrip("/")
