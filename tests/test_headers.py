"""Security headers over HTTP (core/headers.py): a strict CSP with a fresh nonce per
request that templates can use, no framing of any page (staff pages included), no
MIME sniffing, Referrer-Policy (none on pages whose address holds a token or code),
HSTS and `Secure` cookies only when PUBLIC_URL is https, `no-store` on every page
with personal data while the public pact pages stay cacheable."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient

from app import create_app
from config import Config, https_settings
from tests.conftest import PASSWORD, build_app, csrf_from
from tests.pacts.conftest import published_pact  # noqa: F401 - a fixture
from tests.workshops.conftest import join_path
from tests.workshops.factories import approved_people, new_workshop
from workshops.enrolment import enrol_people

NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_\-]{16,})'")
# Views whose response is the same for every anonymous visitor: nothing else may be
# cached. A new public page is added here on purpose, never by accident.
PUBLIC_ENDPOINTS = {
    "static",
    "favicon",
    "pacts.home",
    "pacts.pact_page",
    "pacts.commitment_page",
    "pacts.changes",
    "pacts.pact_document",
    "pacts.commitments_open_json",
    "pacts.commitments_open_csv",
    "pacts.progress_open_csv",
    "pacts.commitments_schema",
    "workshops.calendar",
}


def directives(response: Any) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    parts = [part.split() for part in policy.split(";") if part.strip()]
    return {part[0]: part[1:] for part in parts}


def log_in(client: FlaskClient, email: str) -> Any:
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token}
    )


@pytest.fixture
def official_client(
    client: FlaskClient, make_staff: Callable[..., int], app: Flask
) -> FlaskClient:
    from tests.pacts.factories import email_of

    official = make_staff("official")
    assert log_in(client, email_of(official)).status_code == 302
    return client


# --- CSP -----------------------------------------------------------------------------


def test_every_page_has_a_strict_csp_without_unsafe_inline(
    client: FlaskClient, make_pact: Callable[..., int]
):
    make_pact("ilfov")
    for path in ("/", "/login", "/p/ilfov/register", "/join", "/no-such-page"):
        policy = directives(client.get(path))

        assert policy["default-src"] == ["'self'"], path
        assert policy["script-src"][0] == "'self'"
        assert NONCE.search(client.get(path).headers["Content-Security-Policy"])
        assert policy["style-src"] == ["'self'"]
        assert policy["img-src"] == ["'self'", "data:"]
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert policy["object-src"] == ["'none'"]
        assert (
            "unsafe-inline" not in client.get(path).headers["Content-Security-Policy"]
        )


def test_the_nonce_is_new_for_each_request_and_is_the_one_templates_print(
    app: Flask,
):
    app.add_url_rule(
        "/nonce-probe",
        "nonce_probe",
        lambda: render_template_string('<script nonce="{{ csp_nonce() }}"></script>'),
    )
    client = app.test_client()

    first, second = client.get("/nonce-probe"), client.get("/nonce-probe")

    nonces = [
        NONCE.search(r.headers["Content-Security-Policy"]).group(1)  # type: ignore[union-attr]
        for r in (first, second)
    ]
    assert nonces[0] != nonces[1]
    assert f'nonce="{nonces[0]}"' in first.get_data(as_text=True)


@pytest.mark.parametrize(
    ("public_url", "socket"),
    [
        ("http://pact.example.org:8080", "ws://pact.example.org:8080"),
        ("https://pact.example.org", "wss://pact.example.org"),
    ],
)
def test_connect_src_allows_the_socket_at_the_public_origin_and_the_pages_own(
    sqlite_url: str, public_url: str, socket: str
):
    app = build_app(sqlite_url, PUBLIC_URL=public_url)

    response = app.test_client().get("/login", base_url="http://127.0.0.1:5000")

    assert directives(response)["connect-src"] == [
        "'self'",
        socket,
        "ws://127.0.0.1:5000",
    ]


def test_no_page_template_has_a_style_attribute_or_an_inline_script():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "templates"
    offenders = []
    for template in root.rglob("*.html"):
        if template.name == "pact_pdf.html":
            continue  # rendered by WeasyPrint into a PDF, never served as a page
        text = template.read_text()
        if re.search(r"\sstyle=", text) or re.search(r"\son[a-z]+=", text):
            offenders.append(template.name)
        for script in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in script and "application/json" not in script:
                offenders.append(f"{template.name}: {script}")
    assert offenders == []


def test_the_registration_charts_are_drawn_without_a_style_attribute(
    official_client: FlaskClient, make_registration: Callable[..., Any]
):
    make_registration()
    make_registration(kind="support")

    page = official_client.get("/staff/p/ilfov/registrations").get_data(as_text=True)

    assert "style=" not in page
    assert '<rect width="100.0%"' in page


# --- framing, sniffing, referrers ----------------------------------------------------


def test_a_staff_page_cannot_be_framed(official_client: FlaskClient):
    response = official_client.get("/staff/p/ilfov/registrations")

    assert response.status_code == 200
    assert response.headers["X-Frame-Options"] == "DENY"
    assert directives(response)["frame-ancestors"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_send_the_referrer_only_to_this_site(client: FlaskClient):
    assert client.get("/login").headers["Referrer-Policy"] == "same-origin"


def test_pages_whose_address_holds_a_token_or_code_send_no_referrer(
    client: FlaskClient,
    make_staff: Callable[..., int],
    make_registration: Callable[..., Any],
    make_pact: Callable[..., int],
):
    official = make_staff("official")
    workshop = new_workshop(official, make_pact("ilfov"))
    [person] = approved_people(make_registration, 1)
    enrol_people(official, workshop, [person])

    paths = [
        join_path(workshop, person),  # valid: the session opens
        f"/w/{workshop}/join/not-a-token",  # refused: the page explains
        "/me/link/not-a-token",
        "/join?code=ABC234",
    ]
    for path in paths:
        assert client.get(path).headers["Referrer-Policy"] == "no-referrer", path


# --- HTTPS: HSTS and Secure cookies --------------------------------------------------


def session_cookie(response: Any) -> str:
    [cookie] = [
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith("session=")
    ]
    return str(cookie)


@pytest.mark.parametrize("scheme", ["https", "http"])
def test_hsts_and_secure_cookies_exactly_when_the_public_url_is_https(
    sqlite_url: str, make_staff: Callable[..., int], scheme: str
):
    app = build_app(sqlite_url, PUBLIC_URL=f"{scheme}://pact.example.org")
    with app.app_context():
        from tests.pacts.factories import email_of

        email = email_of(make_staff("official"))
    client = app.test_client()

    response = log_in(client, email)

    assert response.status_code == 302
    secure = scheme == "https"
    assert ("Secure" in session_cookie(response).split("; ")) is secure
    assert ("Strict-Transport-Security" in response.headers) is secure
    assert app.config["REMEMBER_COOKIE_SECURE"] is secure
    if secure:
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_secure_cookies_follow_public_url_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setenv("PUBLIC_URL", "https://pact.example.org")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})

    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    assert Config.SESSION_COOKIE_SECURE is False  # plain http by default: dev works
    assert https_settings("http://127.0.0.1:5000")["SESSION_COOKIE_SECURE"] is False


# --- caching -------------------------------------------------------------------------


def test_only_the_public_pages_may_be_cached(app: Flask):
    from core.headers import PUBLIC_ENDPOINTS as FLASK_PUBLIC

    marked = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, "public_page", False) or endpoint in FLASK_PUBLIC
    }

    assert marked == PUBLIC_ENDPOINTS


def test_staff_pages_and_exports_are_not_stored(official_client: FlaskClient):
    for path in (
        "/staff/",
        "/staff/p/ilfov/registrations",
        "/staff/p/ilfov/registrations.csv",
        "/staff/p/ilfov/workshops",
        "/staff/p/ilfov/pact",
    ):
        response = official_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_personal_and_token_pages_are_not_stored(
    client: FlaskClient,
    make_staff: Callable[..., int],
    make_registration: Callable[..., Any],
    make_pact: Callable[..., int],
):
    official = make_staff("official")
    workshop = new_workshop(official, make_pact("ilfov"))
    [person] = approved_people(make_registration, 1)
    enrol_people(official, workshop, [person])

    for path in (
        join_path(workshop, person),
        "/me",
        "/me/commitments",
        f"/w/{workshop}/board",
        f"/w/{workshop}/board/summary.csv",
        "/me/link/not-a-token",
        "/p/ilfov/register",
    ):
        response = client.get(path)
        assert response.headers["Cache-Control"] == "no-store", path


@pytest.mark.usefixtures("app", "published_pact")
def test_the_public_pact_page_is_cacheable_for_anonymous_visitors_only(
    client: FlaskClient, make_staff: Callable[..., int]
):
    from tests.pacts.factories import email_of

    for path in ("/", "/p/ilfov", "/p/ilfov/open-data/commitments.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path

    assert log_in(client, email_of(make_staff("official"))).status_code == 302
    assert client.get("/p/ilfov").headers["Cache-Control"] == "no-store"
