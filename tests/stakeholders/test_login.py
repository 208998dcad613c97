"""Staff login under abuse: failed logins limited per account (whatever the address)
and per address (whatever the e-mail), validation errors not counted, the real
waiting time shown, a full password pool answered at once with a localised 503; and
the e-mailed one-time login link that lets a locked account in."""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from core import passwords
from core.mail import OutboxMessage
from core.passwords import PasswordPool
from core.time import utcnow
from extensions import db, limiter
from stakeholders.models import LoginLink, Person
from tests.conftest import PASSWORD, csrf_from

LOGIN_LINK = re.compile(r"http://localhost/login/link/([A-Za-z0-9_-]+)")


@pytest.fixture
def official(make_staff: Callable[..., int]) -> Person:
    person = db.session.get(Person, make_staff("official"))
    assert person is not None
    return person


def from_address(app: Flask, address: str) -> FlaskClient:
    """A visitor whose requests come from `address`."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def log_in(client: FlaskClient, email: str, password: str) -> Any:
    token = csrf_from(client.get("/login?lang=en").get_data(as_text=True))
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
    )


def ask_for_link(client: FlaskClient, email: str) -> Any:
    token = csrf_from(client.get("/login?lang=en").get_data(as_text=True))
    return client.post("/login/link", data={"link-email": email, "csrf_token": token})


def links_sent_to(email: str) -> list[str]:
    bodies = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == email)
    ).all()
    return [token for body in bodies for token in LOGIN_LINK.findall(body)]


def use_link(client: FlaskClient, token: str) -> Any:
    page = client.get(f"/login/link/{token}")
    return client.post(
        f"/login/link/{token}",
        data={"csrf_token": csrf_from(page.get_data(as_text=True))},
    )


# --- failures per account and per address ------------------------------------------


def test_five_wrong_passwords_from_five_addresses_lock_the_account(
    app: Flask, official: Person
):
    for n in range(5):
        response = log_in(from_address(app, f"198.51.100.{n}"), official.email, "x")
        assert response.status_code == 200

    locked = log_in(from_address(app, "198.51.100.99"), official.email, PASSWORD)

    assert locked.status_code == 429
    wait = int(locked.headers["Retry-After"])
    assert 14 * 60 < wait <= 15 * 60
    assert "Try again in 15 minutes" in locked.get_data(as_text=True)


def test_an_unknown_email_is_counted_like_a_known_one(app: Flask):
    for n in range(5):
        log_in(from_address(app, f"198.51.100.{n}"), "nobody@ilfov.ro", "x")

    response = log_in(from_address(app, "198.51.100.77"), "nobody@ilfov.ro", "x")

    assert response.status_code == 429


def test_changing_the_email_at_each_try_is_stopped_per_address(
    app: Flask, official: Person
):
    app.config["LOGIN_ADDRESS_FAILURE_LIMIT"] = "4 per 15 minutes"
    attacker = from_address(app, "203.0.113.5")
    for n in range(4):
        assert log_in(attacker, f"guess{n}@ilfov.ro", "x").status_code == 200

    refused = log_in(attacker, official.email, PASSWORD)
    elsewhere = log_in(from_address(app, "203.0.113.6"), official.email, PASSWORD)

    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert elsewhere.status_code == 302


def test_a_venue_full_of_typos_does_not_lock_its_address_at_the_account_ceiling(
    app: Flask, make_staff: Callable[..., int]
):
    people = [db.session.get(Person, make_staff("official")) for _ in range(3)]
    venue = from_address(app, "192.0.2.50")
    for person in people:
        assert person is not None
        for _ in range(4):  # each one short of their own account's limit
            assert log_in(venue, person.email, "typo").status_code == 200

    for person in people:
        assert person is not None
        assert (
            log_in(from_address(app, "192.0.2.50"), person.email, PASSWORD).status_code
            == 302
        )


@pytest.mark.parametrize(
    ("email", "password"),
    [("", PASSWORD), ("not-an-email", PASSWORD), ("{email}", "")],
    ids=["empty-email", "malformed-email", "empty-password"],
)
def test_validation_errors_are_not_failures(
    app: Flask, official: Person, email: str, password: str
):
    app.config["LOGIN_FAILURE_LIMIT"] = "2 per 15 minutes"
    app.config["LOGIN_ADDRESS_FAILURE_LIMIT"] = "2 per 15 minutes"
    client = from_address(app, "192.0.2.9")
    for _ in range(6):
        response = log_in(client, email.format(email=official.email), password)
        assert response.status_code == 200

    assert log_in(client, official.email, PASSWORD).status_code == 302


def test_the_limiter_storage_holds_no_email_address(app: Flask, official: Person):
    for _ in range(2):
        log_in(from_address(app, "198.51.100.3"), official.email, "x")

    keys = " ".join(str(key) for key in limiter.storage.storage)  # memory storage
    assert "login-account" in keys
    assert official.email not in keys
    assert "198.51.100.3" not in keys


def test_the_wait_is_said_in_romanian_too(app: Flask, official: Person):
    app.config["LOGIN_FAILURE_LIMIT"] = "1 per hour"
    client = from_address(app, "198.51.100.8")
    log_in(client, official.email, "x")

    response = client.post(
        "/login?lang=ro",
        data={
            "email": official.email,
            "password": PASSWORD,
            "csrf_token": csrf_from(
                client.get("/login?lang=ro").get_data(as_text=True)
            ),
        },
    )

    assert response.status_code == 429
    assert 59 * 60 < int(response.headers["Retry-After"]) <= 3600
    assert "Încercați din nou peste 60 de minute" in response.get_data(as_text=True)


# --- the password pool full ---------------------------------------------------------


@pytest.fixture
def full_pool(app: Flask) -> Iterator[None]:
    """The app's password pool, one slot and no queue, held by another request."""
    pool = PasswordPool(concurrency=1, waiting=0, wait_seconds=5)
    app.extensions[passwords.EXTENSION] = pool
    release, holding = threading.Event(), threading.Event()

    def hold() -> None:
        holding.set()
        release.wait(10)

    thread = threading.Thread(target=pool.run, args=(hold,))
    thread.start()
    assert holding.wait(10)
    try:
        yield
    finally:
        release.set()
        thread.join(10)


def test_a_login_when_the_pool_is_full_is_answered_busy_at_once(
    app: Flask, official: Person, full_pool: None
):
    client = from_address(app, "192.0.2.10")
    token = csrf_from(client.get("/login?lang=ro").get_data(as_text=True))

    response = client.post(
        "/login?lang=ro",
        data={"email": official.email, "password": PASSWORD, "csrf_token": token},
    )

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert "Multe persoane se autentifică acum" in response.get_data(as_text=True)


def test_a_busy_answer_is_not_a_failure(app: Flask, official: Person, full_pool: None):
    app.config["LOGIN_FAILURE_LIMIT"] = "1 per 15 minutes"
    client = from_address(app, "192.0.2.11")
    for _ in range(3):
        assert log_in(client, official.email, PASSWORD).status_code == 503
    app.extensions[passwords.EXTENSION] = PasswordPool(2, 8, 5)

    assert log_in(client, official.email, PASSWORD).status_code == 302


# --- the e-mailed login link --------------------------------------------------------


def test_a_locked_account_gets_in_with_an_emailed_login_link(
    app: Flask, official: Person
):
    for n in range(5):
        log_in(from_address(app, f"203.0.113.{n}"), official.email, "x")
    owner = from_address(app, "192.0.2.20")
    assert log_in(owner, official.email, PASSWORD).status_code == 429

    asked = ask_for_link(owner, official.email)
    [token] = links_sent_to(official.email)
    used = use_link(owner, token)

    assert asked.status_code == 302
    assert used.status_code == 302
    assert used.headers["Location"] == "/staff/"
    assert owner.get("/staff/").status_code == 200
    # The link proved who they are: the failures no longer lock the account.
    owner.post(
        "/logout",
        data={"csrf_token": csrf_from(owner.get("/staff/").get_data(as_text=True))},
    )
    assert log_in(owner, official.email, PASSWORD).status_code == 302


def test_the_answer_is_the_same_whether_the_address_is_staff_or_not(
    app: Flask, official: Person
):
    answers = []
    for email in (official.email, "nobody@ilfov.ro"):
        client = from_address(app, "192.0.2.21")
        response = ask_for_link(client, email)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        answers.append((response.status_code, re.sub(r'value="[^"]+"', "", page)))

    assert answers[0] == answers[1]
    assert len(links_sent_to(official.email)) == 1
    assert links_sent_to("nobody@ilfov.ro") == []


def test_opening_the_link_does_not_use_it_pressing_the_button_does(
    app: Flask, official: Person
):
    client = from_address(app, "192.0.2.22")
    ask_for_link(client, official.email)
    [token] = links_sent_to(official.email)

    scanner = app.test_client()
    for _ in range(3):  # a mail scanner follows the link
        opened = scanner.get(f"/login/link/{token}")
        assert opened.status_code == 200
        assert opened.headers["Referrer-Policy"] == "no-referrer"
    assert scanner.get("/staff/").status_code == 302

    assert use_link(client, token).status_code == 302
    again = use_link(app.test_client(), token)
    assert again.status_code == 403
    assert "already" in again.get_data(as_text=True)


def test_the_link_needs_the_forms_csrf_token(app: Flask, official: Person):
    ask_for_link(from_address(app, "192.0.2.23"), official.email)
    [token] = links_sent_to(official.email)
    client = app.test_client()

    assert client.post(f"/login/link/{token}").status_code == 400
    assert use_link(client, token).status_code == 302  # not spent by the refusal


def test_an_expired_link_does_not_log_in(app: Flask, official: Person):
    ask_for_link(from_address(app, "192.0.2.24"), official.email)
    [token] = links_sent_to(official.email)
    db.session.execute(
        update(LoginLink).values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()

    client = app.test_client()
    assert use_link(client, token).status_code == 403
    assert client.get("/staff/").status_code == 302


def test_the_link_is_stored_hashed_and_expires_in_twenty_minutes(
    app: Flask, official: Person
):
    ask_for_link(from_address(app, "192.0.2.25"), official.email)
    [token] = links_sent_to(official.email)
    link = db.session.scalars(select(LoginLink)).one()

    assert token not in link.token_hash
    assert link.used_at is None
    lifetime = link.expires_at - link.created_at
    assert timedelta(minutes=19) < lifetime <= timedelta(minutes=20)


def test_link_requests_are_limited_per_email_with_the_real_wait(
    app: Flask, official: Person
):
    app.config["LOGIN_LINK_LIMIT"] = "2 per hour"
    for n in range(2):
        assert (
            ask_for_link(
                from_address(app, f"203.0.113.{n}"), official.email
            ).status_code
            == 302
        )

    refused = ask_for_link(from_address(app, "203.0.113.9"), official.email)
    other = ask_for_link(from_address(app, "203.0.113.9"), "someone@ilfov.ro")

    assert refused.status_code == 429
    assert 59 * 60 < int(refused.headers["Retry-After"]) <= 3600
    assert "Try again in 60 minutes" in refused.get_data(as_text=True)
    assert other.status_code == 302
    assert len(links_sent_to(official.email)) == 2


def test_link_requests_are_limited_per_address(app: Flask, official: Person):
    app.config["LOGIN_LINK_ADDRESS_LIMIT"] = "3 per hour"
    client = from_address(app, "203.0.113.40")
    for n in range(3):
        assert ask_for_link(client, f"someone{n}@ilfov.ro").status_code == 302

    assert ask_for_link(client, official.email).status_code == 429
    assert links_sent_to(official.email) == []


def test_a_malformed_link_request_is_not_counted(app: Flask, official: Person):
    app.config["LOGIN_LINK_LIMIT"] = "1 per hour"
    app.config["LOGIN_LINK_ADDRESS_LIMIT"] = "1 per hour"
    client = from_address(app, "203.0.113.41")
    for _ in range(3):
        assert ask_for_link(client, "not-an-email").status_code == 400

    assert ask_for_link(client, official.email).status_code == 302


def test_a_refused_login_is_logged_for_the_operator_without_the_email(
    app: Flask, official: Person, caplog: pytest.LogCaptureFixture
):
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="stakeholders.auth"):
        statuses = [
            log_in(client, official.email, "wrong password").status_code
            for _n in range(6)
        ]

    assert statuses[-1] == 429
    assert "too many failed logins" in caplog.text
    assert official.email not in caplog.text
