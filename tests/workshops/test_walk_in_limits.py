"""Walk-ins at a venue where everyone shares one address: only wrong codes count (a
field left empty or a code of the wrong length never does), per visitor's session and
per address with a ceiling a room's typos stay under; the page opened with a code in
its address tells nothing about that code."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Consent, Organisation
from tests.workshops.factories import load_workshop, new_workshop, running_workshop
from tests.workshops.test_pages import post_form, walk_in

VENUE = 30
CSRF_VALUE = re.compile(r'name="csrf_token" type="hidden" value="[^"]+"')


def organisations() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation)) or 0


def someone(n: int, code: str, **overrides: str) -> dict[str, str]:
    return walk_in(
        code,
        contact_email=f"walk{n}@venue{n}.ro",
        organisation_name=f"Venue Organisation {n}",
        **overrides,
    )


def wrong(code: str) -> str:
    """A well-formed code one character off (as a typo makes it)."""
    return code[:-1] + ("A" if code[-1] != "A" else "B")


@pytest.fixture
def code(official: int, pact: int) -> str:
    return load_workshop(running_workshop(official, pact)).join_code


def test_thirty_walk_ins_from_one_address_succeed_after_typos_and_empty_fields(
    app: Flask, code: str
):
    statuses = []
    for n in range(VENUE):
        person = app.test_client()  # a browser of their own, all at one address
        mistakes = [
            post_form(person, "/join", someone(n, wrong(code)), "/join"),
            post_form(person, "/join", someone(n, code, contact_name=""), "/join"),
            post_form(person, "/join", someone(n, code[:4]), "/join"),
        ]
        assert [m.status_code for m in mistakes] == [200, 200, 200]
        statuses.append(post_form(person, "/join", someone(n, code), "/join"))

    assert [response.status_code for response in statuses] == [302] * VENUE
    assert organisations() == VENUE


def test_incomplete_forms_never_lock_out_the_right_code(
    app: Flask, client: FlaskClient, code: str
):
    app.config["WALK_IN_SESSION_FAILURE_LIMIT"] = "2 per 10 minutes"
    app.config["WALK_IN_ADDRESS_FAILURE_LIMIT"] = "2 per 10 minutes"
    incomplete = [
        post_form(client, "/join", walk_in(code, **{field: ""}), "/join").status_code
        for field in ("contact_name", "contact_email", "organisation_name", "consent")
        for _n in range(3)
    ]
    bad_form = post_form(client, "/join", walk_in("ZZ"), "/join").status_code

    assert incomplete + [bad_form] == [200] * 13
    assert post_form(client, "/join", walk_in(code), "/join").status_code == 302


def test_wrong_codes_are_stopped_per_session(
    app: Flask, client: FlaskClient, code: str
):
    app.config["WALK_IN_SESSION_FAILURE_LIMIT"] = "3 per 10 minutes"
    statuses = [
        post_form(client, "/join", walk_in(wrong(code)), "/join").status_code
        for _n in range(4)
    ]
    right_code = post_form(client, "/join", walk_in(code), "/join").status_code
    neighbour = post_form(app.test_client(), "/join", someone(1, code), "/join")

    assert statuses == [200, 200, 200, 429]
    assert right_code == 429  # this session guessed enough for ten minutes
    assert neighbour.status_code == 302  # the next person at the venue is not held up


def test_wrong_codes_are_stopped_per_address_whatever_the_session(
    app: Flask, code: str
):
    app.config["WALK_IN_ADDRESS_FAILURE_LIMIT"] = "3 per 10 minutes"
    statuses = [
        post_form(app.test_client(), "/join", walk_in(wrong(code)), "/join").status_code
        for _n in range(4)
    ]
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.20"

    assert statuses == [200, 200, 200, 429]
    assert post_form(elsewhere, "/join", walk_in(code), "/join").status_code == 302


def test_the_walk_in_limits_store_no_code(app: Flask, client: FlaskClient, code: str):
    from extensions import limiter

    post_form(client, "/join", walk_in(wrong(code)), "/join")

    keys = " ".join(str(key) for key in limiter.storage.storage)  # type: ignore[attr-defined]
    assert "walk-in:" in keys
    assert wrong(code) not in keys
    assert code not in keys


def test_the_page_opened_with_a_code_tells_nothing_about_it(
    app: Flask, official: int, pact: int, code: str
):
    planned = load_workshop(new_workshop(official, pact)).join_code

    pages = set()
    for shown in (code, planned, "ZZZZZZ"):
        html = app.test_client().get(f"/join?code={shown}").get_data(as_text=True)
        assert f'value="{shown}"' in html
        assert "Ilfov" not in html
        pages.add(CSRF_VALUE.sub("", html.replace(shown, "CODE")))

    assert len(pages) == 1  # the running workshop's code, a planned one's, none


def test_the_consent_recorded_is_the_one_shown_without_the_pact(
    client: FlaskClient, code: str
):
    page = f"/join?code={code}"
    html = client.get(page).get_data(as_text=True)
    assert "I agree that GreenPact and the GreenPact team" in html
    assert f'value="{code}"' in html

    assert post_form(client, page, walk_in(code), page=page).status_code == 302

    consent = db.session.scalars(select(Consent)).one()
    assert consent.text.startswith("I agree that GreenPact and the GreenPact team")
    assert consent.version == CONSENT_VERSION
