"""The registration form's rate limits, as a venue meets them: everyone at a workshop
shares one address, so a registration counts against the e-mail typed, and the
address carries only a ceiling against floods; forms that do not validate never
count; the 429 page says how long to wait, as the Retry-After header does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from extensions import db, limiter
from stakeholders.models import Organisation
from tests.conftest import csrf_from, form_data

URL = "/p/ilfov/register"
VENUE = 40


@pytest.fixture
def pact(make_pact: Callable[..., int]) -> int:
    return make_pact("ilfov")


def organisations() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation)) or 0


def submit(client: FlaskClient, n: int, url: str = URL, **overrides: Any) -> Any:
    """The form of organisation number `n` (its own e-mail and number)."""
    token = csrf_from(client.get(url).get_data(as_text=True))
    own = {
        "contact_email": f"contact{n}@org{n}.ro",
        "registration_number": f"J{n}",
        "organisation_name": f"Organisation {n}",
    }
    data = form_data(**{**own, **overrides})
    return client.post(url, data={**data, "csrf_token": token})


def test_forty_registrations_from_one_address_all_succeed(
    client: FlaskClient, pact: int
):
    statuses = [submit(client, n).status_code for n in range(VENUE)]

    assert statuses == [302] * VENUE
    assert organisations() == VENUE


def test_registrations_of_one_e_mail_are_limited_whatever_the_address(
    app: Flask, client: FlaskClient, pact: int, make_pact: Callable[..., int]
):
    app.config["REGISTRATION_EMAIL_LIMIT"] = "2 per hour"
    make_pact("torino", country="IT")
    email = {"contact_email": "same@org.ro"}
    first = submit(client, 1, **email)
    again = submit(client, 2, **email)  # refused as a duplicate: still counted
    elsewhere = client.environ_base["REMOTE_ADDR"] = "192.0.2.9"

    third = submit(client, 3, "/p/torino/register", **email)

    assert (first.status_code, again.status_code, elsewhere) == (302, 200, "192.0.2.9")
    assert "already registered" in again.get_data(as_text=True)
    assert third.status_code == 429
    assert submit(client, 4).status_code == 302  # another e-mail is not held up
    assert organisations() == 2


def test_the_address_ceiling_stops_a_flood_of_new_e_mails(
    app: Flask, client: FlaskClient, pact: int
):
    app.config["REGISTRATION_ADDRESS_LIMIT"] = "3 per hour"
    statuses = [submit(client, n).status_code for n in range(4)]
    client.environ_base["REMOTE_ADDR"] = "192.0.2.10"

    assert statuses == [302, 302, 302, 429]
    assert submit(client, 5).status_code == 302
    assert organisations() == 4


def test_forms_that_do_not_validate_never_count(
    app: Flask, client: FlaskClient, pact: int
):
    app.config["REGISTRATION_EMAIL_LIMIT"] = "1 per hour"
    app.config["REGISTRATION_ADDRESS_LIMIT"] = "1 per hour"
    mistakes = [
        submit(client, 1, kind="nope").status_code,
        submit(client, 1, consent=None).status_code,
        submit(client, 1, organisation_name="").status_code,
        submit(client, 1, consent_version="1999-01-01").status_code,
    ]

    assert mistakes == [200] * 4
    assert submit(client, 1).status_code == 302
    assert submit(client, 2).status_code == 429


def test_the_limits_store_no_e_mail_address(app: Flask, client: FlaskClient, pact: int):
    submit(client, 7)

    keys = " ".join(str(key) for key in limiter.storage.storage)  # type: ignore[attr-defined]
    assert "registration:" in keys
    assert "contact7" not in keys
    assert "org7" not in keys


@pytest.mark.parametrize(
    ("limit", "language", "said"),
    [
        ("1 per hour", "en", "Please wait 60 minutes before trying again."),
        ("1 per hour", "ro", "așteptați 60 de minute"),
        # In seconds, the page says the header's own figure (29 when a slow machine
        # took a second between the two submissions).
        ("1 per 30 seconds", "en", "Please wait {seconds} seconds before trying"),
        ("1 per day", "en", "Please wait 24 hours before trying again."),
    ],
)
def test_the_429_page_says_the_waiting_time_of_its_retry_after_header(
    app: Flask, client: FlaskClient, pact: int, limit: str, language: str, said: str
):
    app.config["REGISTRATION_ADDRESS_LIMIT"] = limit
    client.get(f"{URL}?lang={language}")
    submit(client, 1)

    refused = submit(client, 2)

    assert refused.status_code == 429
    retry_after = int(refused.headers["Retry-After"])
    whole = {"hour": 3600, "seconds": 30, "day": 86400}[limit.split()[-1]]
    assert whole - 5 <= retry_after <= whole
    assert said.format(seconds=retry_after) in refused.get_data(as_text=True)
    assert "a few minutes" not in refused.get_data(as_text=True)
