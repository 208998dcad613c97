"""The error pages (403, 404, 500) in the visitor's language, each saying what to do
next; a participant on a staff page gets a 403 saying the page is for the pact's
staff, and an anonymous visitor is sent to the staff login with a translated
message."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale, gettext

from core.mail import reply_to_address
from core.tokens import member_token

RO = {"Accept-Language": "ro-RO,ro;q=0.9"}
STAFF_PAGES = ["/staff/", "/staff/p/ilfov/registrations", "/staff/p/ilfov/workshops"]


def ro(app: Flask, text: str, **values: Any) -> str:
    with app.test_request_context(), force_locale("ro"):
        return str(gettext(text, **values))


@pytest.fixture
def participant(
    client: FlaskClient, make_registration: Callable[..., dict[str, Any]]
) -> int:
    """An approved SME's contact, logged in from their personal link."""
    made = make_registration(status="approved", language="ro")
    person = int(made["person"])
    response = client.get(f"/me/link/{member_token(person, 3600)}", headers=RO)
    assert response.status_code == 302
    return person


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_a_participant_on_a_staff_page_is_told_it_is_for_staff(
    app: Flask, client: FlaskClient, participant: int, path: str
) -> None:
    response = client.get(path, headers=RO)
    html = response.get_data(as_text=True)
    assert response.status_code == 403
    assert ro(app, "This page is for the pact's staff") in html
    assert 'href="/me"' in html, "their own pages are one link away"
    assert "Please log in" not in html


@pytest.mark.parametrize("path", STAFF_PAGES)
def test_an_anonymous_visitor_on_a_staff_page_logs_in_in_their_language(
    app: Flask, client: FlaskClient, make_pact: Callable[..., int], path: str
) -> None:
    make_pact("ilfov")
    response = client.get(path, headers=RO, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.request.path == "/login"
    message = "Please log in to see this page."
    assert ro(app, message) in html
    assert ro(app, message) != message, "the message is translated"


def test_the_not_found_page_says_what_to_do_in_the_visitors_language(
    app: Flask, client: FlaskClient
) -> None:
    response = client.get("/nowhere", headers=RO)
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert '<html lang="ro">' in html
    assert f"<title>{ro(app, 'Page not found')} · GreenPact</title>" in html
    assert ro(app, "Go to the home page") in html
    assert 'href="/login"' in html, "staff can log in from it"
    assert "mailto:" in html, "and there is someone to write to"


def test_an_unexpected_error_page_is_in_the_visitors_language(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/broken")
    def broken() -> str:
        raise RuntimeError("broken")

    with caplog.at_level(logging.ERROR):
        response = client.get("/broken", headers=RO)
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert ro(app, "Something went wrong on our side") in html
    assert ro(app, "Go to the home page") in html
    write_to = ro(app, "If this does not help, write to %(address)s.", address="@")
    assert write_to.split("@")[0] in html
    assert f'href="mailto:{reply_to_address()}"' in html
