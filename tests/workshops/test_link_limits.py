"""Personal links and "send me a new link" at a venue where everyone shares one
address: links that work never count, tokens that are not genuine do (per address, on
both kinds of link); a new link is limited per e-mail typed, the address carrying
only a high ceiling, and the answer is the same whether the address is known."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from extensions import db, limiter
from stakeholders.models import Person
from tests.workshops.factories import (
    approved_people,
    last_message_id,
    new_workshop,
    outbox,
)
from tests.workshops.test_pages import post_form
from workshops.enrolment import enrol_people
from workshops.identities import bulk_participants

VENUE = 60


@pytest.fixture
def workshop(official: int, pact: int) -> int:
    return new_workshop(official, pact, title="Circular packaging")


def test_sixty_join_links_opened_from_one_address_all_work(app: Flask, workshop: int):
    app.config["LINK_FAILURE_LIMIT"] = "3 per 10 minutes"
    seats = bulk_participants(workshop, VENUE, 3600)

    statuses = [
        app.test_client().get(f"/w/{workshop}/join/{token}").status_code
        for _person, _organisation, token in seats
    ]

    assert statuses == [302] * VENUE


def test_tokens_that_are_not_genuine_are_counted_on_both_kinds_of_link(
    app: Flask, client: FlaskClient, workshop: int
):
    app.config["LINK_FAILURE_LIMIT"] = "3 per 10 minutes"
    ((_person, _organisation, token),) = bulk_participants(workshop, 1, 3600)
    guesses = [
        client.get(f"/w/{workshop}/join/{token[:-2]}xx").status_code,
        client.get(f"/me/link/{token}x").status_code,
        client.get(f"/w/{workshop}/join/guess").status_code,
        client.get("/me/link/guess").status_code,
    ]
    stopped = client.get(f"/w/{workshop}/join/{token}")
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.30"

    assert guesses == [403, 403, 403, 429]
    assert stopped.status_code == 429
    assert elsewhere.get(f"/w/{workshop}/join/{token}").status_code == 302


def test_an_expired_link_is_not_counted_as_a_guess(
    app: Flask, client: FlaskClient, workshop: int
):
    app.config["LINK_FAILURE_LIMIT"] = "1 per 10 minutes"
    ((_person, _organisation, expired),) = bulk_participants(workshop, 1, -60)

    answers = [client.get(f"/w/{workshop}/join/{expired}") for _n in range(3)]

    assert [answer.status_code for answer in answers] == [403] * 3
    assert "This link has expired." in answers[-1].get_data(as_text=True)


def ask(client: FlaskClient, url: str, email: str) -> Any:
    return post_form(client, url, {"email": email}, page="/me/link/new")


@pytest.fixture
def enrolled_email(
    official: int, workshop: int, make_registration: Callable[..., Any]
) -> str:
    (person,) = approved_people(make_registration, 1)
    enrol_people(official, workshop, [person])
    return db.session.get(Person, person).email  # type: ignore[union-attr]


def test_new_links_are_limited_per_e_mail_on_both_forms(
    app: Flask, client: FlaskClient, workshop: int, enrolled_email: str
):
    app.config["NEW_LINK_EMAIL_LIMIT"] = "2 per hour"
    since = last_message_id()
    statuses = [
        ask(client, f"/w/{workshop}/new-link", enrolled_email).status_code,
        ask(client, "/me/link/new", enrolled_email.upper()).status_code,
        ask(client, f"/w/{workshop}/new-link", enrolled_email).status_code,
    ]
    another = ask(client, f"/w/{workshop}/new-link", "someone@else.example")

    assert statuses == [200, 200, 429]
    assert another.status_code == 200
    assert [m.recipient for m in outbox(since)] == [enrolled_email]


def test_a_known_and_an_unknown_e_mail_get_the_same_answers_and_limit(
    app: Flask, workshop: int, enrolled_email: str
):
    app.config["NEW_LINK_EMAIL_LIMIT"] = "1 per hour"
    url = f"/w/{workshop}/new-link"
    answers = []
    for email in (enrolled_email, "stranger@example.org"):
        client = app.test_client()
        answers.append([ask(client, url, email) for _n in range(2)])

    known, unknown = (
        [(a.status_code, a.get_data(as_text=True)) for a in pair] for pair in answers
    )
    assert [status for status, _html in known] == [200, 429]
    assert known == unknown


def test_many_people_at_one_address_ask_for_new_links_up_to_a_ceiling(
    app: Flask, client: FlaskClient, workshop: int
):
    app.config["NEW_LINK_ADDRESS_LIMIT"] = "20 per hour"
    url = f"/w/{workshop}/new-link"

    statuses = [ask(client, url, f"p{n}@venue.example").status_code for n in range(21)]

    assert statuses == [200] * 20 + [429]


def test_a_form_that_does_not_validate_is_not_counted(
    app: Flask, client: FlaskClient, workshop: int
):
    app.config["NEW_LINK_EMAIL_LIMIT"] = "1 per hour"
    app.config["NEW_LINK_ADDRESS_LIMIT"] = "1 per hour"
    url = f"/w/{workshop}/new-link"

    typos = [ask(client, url, "not-an-address").status_code for _n in range(3)]

    assert typos == [200] * 3
    assert ask(client, url, "right@venue.example").status_code == 200
    assert ask(client, url, "next@venue.example").status_code == 429


def test_the_link_limits_store_no_e_mail_or_token(
    app: Flask, client: FlaskClient, workshop: int
):
    ask(client, f"/w/{workshop}/new-link", "private@venue.example")
    client.get("/me/link/secret-token-guess")

    keys = " ".join(str(key) for key in limiter.storage.storage)  # type: ignore[attr-defined]
    assert "new-link" in keys
    assert "private" not in keys
    assert "secret-token-guess" not in keys
