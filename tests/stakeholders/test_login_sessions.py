"""Login sessions kept on the server: the cookie carries only a session's token, so
logout and a password change end every copy of it; nobody is logged out when their
address changes; walk-ins get a personal link back in."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from core.mail import OutboxMessage
from core.time import utcnow
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import LoginSession, Person
from tests.conftest import PASSWORD, build_app, csrf_from
from tests.workshops.factories import join_links, load_workshop, running_workshop

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def official(make_staff: Callable[..., int]) -> Person:
    person = db.session.get(Person, make_staff("official"))
    assert person is not None
    return person


def logged_in(app: Flask, person: Person, password: str = PASSWORD) -> FlaskClient:
    client = app.test_client()
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": person.email, "password": password, "csrf_token": token},
    )
    assert response.status_code == 302, "login failed"
    return client


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another browser holding a copy of the client's session cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def post(client: FlaskClient, url: str, data: dict[str, str], page: str) -> Any:
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def sessions_of(person_id: int) -> int:
    count = select(func.count()).where(LoginSession.person_id == person_id)
    return int(db.session.scalar(count) or 0)


def test_the_cookie_carries_a_session_token_not_the_person_id(
    app: Flask, official: Person
):
    client = logged_in(app, official)
    with client.session_transaction() as session:
        token = session["_user_id"]

    assert token != str(official.id)
    assert len(token) >= 40
    row = db.session.scalars(select(LoginSession)).one()
    assert row.person_id == official.id
    assert token not in row.id  # the table holds its digest only


def test_a_cookie_copied_before_logout_no_longer_opens_the_staff_area(
    app: Flask, official: Person
):
    client = logged_in(app, official)
    thief = copy_of(app, client)
    assert thief.get("/staff/").status_code == 200

    post(client, "/logout", {}, page="/staff/")

    response = thief.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert sessions_of(official.id) == 0


def test_logout_ends_only_that_session(app: Flask, official: Person):
    laptop, phone = logged_in(app, official), logged_in(app, official)

    post(laptop, "/logout", {}, page="/staff/")

    assert laptop.get("/staff/").status_code == 302
    assert phone.get("/staff/").status_code == 200


def test_a_cookie_holding_a_person_id_is_not_a_login(app: Flask, official: Person):
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(official.id)
    assert client.get("/staff/").status_code == 302


def test_a_session_idle_too_long_ends(app: Flask, official: Person):
    client = logged_in(app, official)
    long_ago = utcnow() - timedelta(
        seconds=app.config["LOGIN_SESSION_IDLE_SECONDS"] + 1
    )
    db.session.execute(update(LoginSession).values(last_seen_at=long_ago))
    db.session.commit()

    assert client.get("/staff/").status_code == 302


def test_use_keeps_a_session_alive(app: Flask, official: Person):
    client = logged_in(app, official)
    a_while_ago = utcnow() - timedelta(hours=1)
    db.session.execute(update(LoginSession).values(last_seen_at=a_while_ago))
    db.session.commit()

    assert client.get("/staff/").status_code == 200
    seen = db.session.scalars(select(LoginSession.last_seen_at)).one()
    assert seen > utcnow() - timedelta(minutes=1)


# --- the password change -----------------------------------------------------------


def change(
    client: FlaskClient, current: str, new: str, again: str | None = None
) -> Any:
    data = {
        "current_password": current,
        "new_password": new,
        "confirm_password": new if again is None else again,
    }
    return post(client, "/staff/password?lang=en", data, page="/staff/password")


def test_a_password_change_ends_every_other_session(app: Flask, official: Person):
    client = logged_in(app, official)
    other_browser = logged_in(app, official)
    thief = copy_of(app, other_browser)

    response = change(client, PASSWORD, NEW_PASSWORD)

    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200  # this session stays
    assert other_browser.get("/staff/").status_code == 302
    assert thief.get("/staff/").status_code == 302
    assert sessions_of(official.id) == 1
    logged_in(app, official, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("current", "new", "again", "message"),
    [
        ("wrong password!", NEW_PASSWORD, None, "Your current password is not right."),
        (PASSWORD, "too short", None, "The password needs at least 12 characters."),
        (PASSWORD, NEW_PASSWORD, "something else", "The two new passwords differ."),
        (PASSWORD, "x" * 201, None, "Please use at most 200 characters."),
    ],
    ids=["wrong-current", "too-short", "mismatch", "too-long"],
)
def test_a_refused_password_change_changes_nothing(
    app: Flask,
    official: Person,
    current: str,
    new: str,
    again: str | None,
    message: str,
):
    client = logged_in(app, official)
    other_browser = logged_in(app, official)

    response = change(client, current, new, again)

    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert other_browser.get("/staff/").status_code == 200
    logged_in(app, official, PASSWORD)


def test_wrong_current_passwords_count_as_failed_logins(app: Flask, official: Person):
    app.config["LOGIN_FAILURE_LIMIT"] = "2 per 15 minutes"
    client = logged_in(app, official)
    for _ in range(2):
        assert change(client, "wrong password!", NEW_PASSWORD).status_code == 200

    refused = change(client, PASSWORD, NEW_PASSWORD)

    assert refused.status_code == 429
    assert "Retry-After" in refused.headers


def test_the_password_page_needs_a_staff_login_and_csrf(app: Flask, official: Person):
    anonymous = app.test_client()
    assert anonymous.get("/staff/password").status_code == 302
    client = logged_in(app, official)
    response = client.post(
        "/staff/password",
        data={
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.status_code == 400  # no CSRF token
    logged_in(app, official, PASSWORD)


def test_the_password_page_is_in_romanian(app: Flask, official: Person):
    client = logged_in(app, official)
    html = client.get("/staff/password?lang=ro").get_data(as_text=True)
    assert "Schimbați parola" in html
    assert "Parola actuală" in html


def test_the_set_password_command_ends_every_session(sqlite_url: str, tmp_path: Any):
    app = build_app(sqlite_url, EVIDENCE_FOLDER=str(tmp_path / "evidence"))
    runner = app.test_cli_runner()
    with app.app_context():
        from core.pacts import create_pact
        from stakeholders.services import create_staff

        create_pact("ilfov", "Ilfov pact", "Ilfov")
        person_id = create_staff(
            "ana@ilfov.ro", "Ana", "official", PASSWORD, ["ilfov"]
        )["id"]
        person = db.session.get(Person, person_id)
        assert person is not None
        client = logged_in(app, person)

        result = runner.invoke(
            args=["set-password", "--email", "ana@ilfov.ro", "--password", NEW_PASSWORD]
        )

        assert result.exit_code == 0, result.output
        assert json.loads(result.output) == {"id": person_id, "sessions_ended": 1}
        assert client.get("/staff/").status_code == 302
        logged_in(app, person, NEW_PASSWORD)
        short = runner.invoke(
            args=["set-password", "--email", "ana@ilfov.ro", "--password", "short"]
        )
        assert short.exit_code != 0
        db.session.remove()
        db.engine.dispose()


# --- address changes ---------------------------------------------------------------


def test_a_staff_member_whose_address_changes_stays_logged_in(
    app: Flask, official: Person
):
    client = logged_in(app, official)
    client.environ_base["REMOTE_ADDR"] = "198.51.100.200"  # Wi-Fi to mobile data
    client.environ_base["HTTP_USER_AGENT"] = "Mobile"

    assert client.get("/staff/").status_code == 200


def test_behind_a_proxy_a_new_forwarded_address_keeps_the_session(
    app: Flask, official: Person
):
    app.config["TRUSTED_PROXY_HOPS"] = 1
    from werkzeug.middleware.proxy_fix import ProxyFix

    app.wsgi_app = ProxyFix(app.wsgi_app.app, x_for=1, x_proto=1, x_host=1)  # type: ignore[attr-defined,method-assign]
    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "203.0.113.1"
    token = csrf_from(client.get("/login").get_data(as_text=True))
    client.post(
        "/login",
        data={"email": official.email, "password": PASSWORD, "csrf_token": token},
    )

    client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    client.environ_base["REMOTE_ADDR"] = "10.0.0.9"

    assert client.get("/staff/").status_code == 200


def test_a_participant_whose_address_changes_stays_logged_in(
    app: Flask,
    make_pact: Callable[..., int],
    make_staff: Callable[..., int],
):
    workshop = running_workshop(make_staff("official"), make_pact("ilfov"))
    client = app.test_client()
    walk_in(client, load_workshop(workshop).join_code)

    client.environ_base["REMOTE_ADDR"] = "198.51.100.201"

    page = client.get("/me?lang=en")
    assert page.status_code == 200
    assert "Ion Ionescu" in page.get_data(as_text=True)  # their own page, not the
    # anonymous visitor's


# --- walk-ins ----------------------------------------------------------------------


def walk_in(client: FlaskClient, code: str) -> Any:
    data = {
        "code": code,
        "contact_name": "Ion Ionescu",
        "contact_email": "ion@fermaverde.ro",
        "organisation_name": "Ferma Verde SRL",
        "kind": "sme",
        "consent": "y",
        "consent_version": CONSENT_VERSION,
    }
    response = post(client, "/join", data, page="/join")
    assert response.status_code == 302, "the walk-in did not join"
    return response


def test_a_walk_in_is_shown_and_emailed_a_personal_link_that_brings_them_back(
    app: Flask, make_pact: Callable[..., int], make_staff: Callable[..., int]
):
    workshop = running_workshop(make_staff("official"), make_pact("ilfov"))
    client = app.test_client()
    walk_in(client, load_workshop(workshop).join_code)

    page = client.get("/me?lang=en")
    shown = sorted(set(join_links(page.get_data(as_text=True))))
    [mail] = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == "ion@fermaverde.ro")
    ).all()

    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert [wid for wid, _token in shown] == [workshop]
    assert join_links(mail) == shown
    # Shown once: the next visit of "My workshops" no longer prints it.
    assert join_links(client.get("/me").get_data(as_text=True)) == []
    # Their session lost, the link brings them back.
    elsewhere = app.test_client()
    [(wid, token)] = shown
    assert elsewhere.get(f"/w/{wid}/join/{token}").status_code == 302
    assert "Your personal link" not in elsewhere.get("/me?lang=en").get_data(
        as_text=True
    )
    assert "Ion Ionescu" in elsewhere.get("/me").get_data(as_text=True)
