"""Forgotten passwords: "Forgot your password?" answers the same whether the address
has an account or not (and e-mails only real, active accounts), is limited per
e-mail and per address with the real wait, and the e-mailed link works once,
expires, is spent only by a POST, ends every other session and logs the person in."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select, update

from core.time import utcnow
from extensions import db
from stakeholders.models import AccountToken, Person
from tests.conftest import PASSWORD, csrf_from
from tests.stakeholders.accounts_helpers import (
    ask_for_reset,
    from_address,
    links_sent_to,
    set_password,
)
from tests.stakeholders.test_login import log_in

NEW_PASSWORD = "a brand new long password"


@pytest.fixture
def official(make_staff: Callable[..., int]) -> Person:
    person = db.session.get(Person, make_staff("official"))
    assert person is not None
    return person


def _page_without_tokens(html: str) -> str:
    return re.sub(r'value="[^"]+"', "", html)


def test_the_answer_is_the_same_for_an_unknown_address_and_no_email_leaves(
    app: Flask, official: Person
):
    answers = []
    for email in (official.email, "nobody@ilfov.ro"):
        client = from_address(app, "192.0.2.30")
        response = ask_for_reset(client, email)
        followed = client.get(response.headers["Location"])
        answers.append(
            (
                response.status_code,
                response.headers["Location"],
                followed.status_code,
                _page_without_tokens(followed.get_data(as_text=True)),
            )
        )

    assert answers[0] == answers[1]
    assert answers[0][0] == 302
    assert len(links_sent_to(official.email)) == 1
    assert links_sent_to("nobody@ilfov.ro") == []


def test_the_link_sets_a_new_password_ends_other_sessions_and_logs_in(
    app: Flask, official: Person
):
    elsewhere = from_address(app, "192.0.2.31")
    assert log_in(elsewhere, official.email, PASSWORD).status_code == 302
    ask_for_reset(from_address(app, "192.0.2.32"), official.email)
    [path] = links_sent_to(official.email)

    visitor = app.test_client()
    done = set_password(visitor, path, NEW_PASSWORD)

    assert done.status_code == 302
    assert done.headers["Location"] == "/staff/"
    assert visitor.get("/staff/").status_code == 200
    assert elsewhere.get("/staff/").status_code == 302  # that session ended
    assert log_in(app.test_client(), official.email, PASSWORD).status_code == 200
    assert log_in(app.test_client(), official.email, NEW_PASSWORD).status_code == 302


def test_the_link_works_once(app: Flask, official: Person):
    ask_for_reset(from_address(app, "192.0.2.33"), official.email)
    [path] = links_sent_to(official.email)
    assert set_password(app.test_client(), path, NEW_PASSWORD).status_code == 302

    again = app.test_client()
    page = again.get(path)
    token = csrf_from(again.get("/login/forgot").get_data(as_text=True))
    refused = again.post(
        path,
        data={"password": "x" * 20, "confirm_password": "x" * 20, "csrf_token": token},
    )

    assert page.status_code == 403
    assert "used already" in page.get_data(as_text=True)
    assert 'href="/login/forgot"' in page.get_data(as_text=True)
    assert refused.status_code == 403
    assert again.get("/staff/").status_code == 302


def test_opening_the_link_spends_nothing(app: Flask, official: Person):
    ask_for_reset(from_address(app, "192.0.2.34"), official.email)
    [path] = links_sent_to(official.email)
    scanner = app.test_client()
    for _ in range(3):
        opened = scanner.get(path)
        assert opened.status_code == 200
        assert opened.headers["Referrer-Policy"] == "no-referrer"

    assert set_password(app.test_client(), path, NEW_PASSWORD).status_code == 302


def test_the_link_expires_after_thirty_minutes(app: Flask, official: Person):
    ask_for_reset(from_address(app, "192.0.2.35"), official.email)
    [path] = links_sent_to(official.email)
    link = db.session.scalars(select(AccountToken)).one()
    lifetime = link.expires_at - link.created_at
    assert timedelta(minutes=29) < lifetime <= timedelta(minutes=30)
    assert path.rsplit("/", 1)[1] not in link.token_hash

    # Thirty minutes and a second later.
    db.session.execute(
        update(AccountToken).values(
            created_at=utcnow() - timedelta(minutes=30, seconds=1),
            expires_at=utcnow() - timedelta(seconds=1),
        )
    )
    db.session.commit()
    client = app.test_client()

    assert client.get(path).status_code == 403
    assert set_password(client, path, NEW_PASSWORD).status_code == 403
    assert log_in(app.test_client(), official.email, PASSWORD).status_code == 302


def test_a_new_request_replaces_the_earlier_link(app: Flask, official: Person):
    for n in range(2):
        ask_for_reset(from_address(app, f"192.0.2.{40 + n}"), official.email)
    first, second = links_sent_to(official.email)

    assert app.test_client().get(first).status_code == 403
    assert set_password(app.test_client(), second, NEW_PASSWORD).status_code == 302


def test_the_new_password_is_validated_and_the_link_kept(app: Flask, official: Person):
    ask_for_reset(from_address(app, "192.0.2.36"), official.email)
    [path] = links_sent_to(official.email)
    client = app.test_client()
    token = csrf_from(client.get(path).get_data(as_text=True))

    short = client.post(
        path,
        data={"password": "short", "confirm_password": "short", "csrf_token": token},
    )
    differ = client.post(
        path,
        data={
            "password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD + "!",
            "csrf_token": token,
        },
    )
    no_csrf = client.post(
        path, data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD}
    )

    assert short.status_code == 400
    assert "at least" in short.get_data(as_text=True)
    assert differ.status_code == 400
    assert "differ" in differ.get_data(as_text=True)
    assert no_csrf.status_code == 400
    assert set_password(client, path, NEW_PASSWORD).status_code == 302


def test_requests_are_limited_per_email_with_the_real_wait(
    app: Flask, official: Person
):
    app.config["PASSWORD_RESET_LIMIT"] = "2 per hour"
    for n in range(2):
        client = from_address(app, f"203.0.113.{n}")
        assert ask_for_reset(client, official.email).status_code == 302

    refused = ask_for_reset(from_address(app, "203.0.113.9"), official.email)
    other = ask_for_reset(from_address(app, "203.0.113.9"), "someone@ilfov.ro")

    assert refused.status_code == 429
    assert 59 * 60 < int(refused.headers["Retry-After"]) <= 3600
    assert "Try again in 60 minutes" in refused.get_data(as_text=True)
    assert other.status_code == 302
    assert len(links_sent_to(official.email)) == 2


def test_requests_are_limited_per_address(app: Flask, official: Person):
    app.config["PASSWORD_RESET_ADDRESS_LIMIT"] = "3 per hour"
    client = from_address(app, "203.0.113.40")
    for n in range(3):
        assert ask_for_reset(client, f"someone{n}@ilfov.ro").status_code == 302

    refused = ask_for_reset(client, official.email)

    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert links_sent_to(official.email) == []


def test_a_malformed_address_is_refused_and_not_counted(app: Flask, official: Person):
    app.config["PASSWORD_RESET_LIMIT"] = "1 per hour"
    app.config["PASSWORD_RESET_ADDRESS_LIMIT"] = "1 per hour"
    client = from_address(app, "203.0.113.41")
    for _ in range(3):
        response = ask_for_reset(client, "not-an-email")
        assert response.status_code == 400

    assert ask_for_reset(client, official.email).status_code == 302


def test_a_deactivated_account_gets_no_reset_and_its_link_stops_working(
    app: Flask, official: Person
):
    ask_for_reset(from_address(app, "192.0.2.37"), official.email)
    [path] = links_sent_to(official.email)
    db.session.execute(
        update(Person).where(Person.id == official.id).values(active=False)
    )
    db.session.commit()

    asked = ask_for_reset(from_address(app, "192.0.2.38"), official.email)

    assert asked.status_code == 302
    assert len(links_sent_to(official.email)) == 1
    assert set_password(app.test_client(), path, NEW_PASSWORD).status_code == 403


def test_an_unknown_token_says_the_link_does_not_work(client: Any):
    page = client.get("/password/reset/not-a-genuine-token")

    assert page.status_code == 403
    assert "does not work" in page.get_data(as_text=True)


def test_the_login_page_offers_forgot_your_password(client: Any):
    page = client.get("/login?lang=en").get_data(as_text=True)

    assert 'href="/login/forgot"' in page
    assert "Forgot your password?" in page
