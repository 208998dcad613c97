"""Helpers of the staff accounts' tests: the links e-mailed to staff as the outbox
holds them, and the forms a visitor sends."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from core.mail import OutboxMessage
from extensions import db
from tests.conftest import csrf_from

LINK = re.compile(r"http://localhost(/(?:invitation|password/reset)/[A-Za-z0-9_-]+)")


def links_sent_to(email: str, kind: str = "") -> list[str]:
    """The paths of the invitation and reset links e-mailed to `email`."""
    bodies = db.session.scalars(
        select(OutboxMessage.body)
        .where(OutboxMessage.recipient == email)
        .order_by(OutboxMessage.id)
    ).all()
    paths = [path for body in bodies for path in LINK.findall(body)]
    return [path for path in paths if kind in path]


def from_address(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def ask_for_reset(client: FlaskClient, email: str) -> Any:
    token = csrf_from(client.get("/login/forgot?lang=en").get_data(as_text=True))
    return client.post("/login/forgot", data={"email": email, "csrf_token": token})


def set_password(client: FlaskClient, path: str, password: str, **extra: str) -> Any:
    """Open the link's page and submit its form."""
    page = client.get(path)
    html = page.get_data(as_text=True)
    if page.status_code != 200:  # a refused link: a token from another form
        html = client.get("/login/forgot").get_data(as_text=True)
    data = {"password": password, "confirm_password": password, **extra}
    return client.post(path, data={**data, "csrf_token": csrf_from(html)})


def post_form(client: FlaskClient, page: str, url: str, **data: str) -> Any:
    """Submit a form to `url` with the CSRF token of `page`."""
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})
