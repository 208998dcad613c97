"""Fixtures shared by every test: a fresh database per test (SQLite file, or a
throw-away PostgreSQL database), the app and its client, factories for pacts, staff and
registrations, a real SMTP server, and a guard that no other test talks SMTP.

Outside CI, tests needing PostgreSQL, Redis or Chromium skip when the service is
missing; in CI (CI=true) the same absence fails them."""

from __future__ import annotations

import os
import re
import smtplib
import socket
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
import redis
from aiosmtpd.controller import Controller
from flask import Flask, has_app_context
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy.engine import make_url

from app import create_app
from core.choices import Role
from core.mail import OutboxSender
from core.pacts import create_pact, find_pact
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Person
from stakeholders.services import create_staff, register_organisation

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
PASSWORD = "correct horse battery"  # noqa: S105 - test accounts only

# Property-based tests (hypothesis): no deadline (a served app's round trip varies
# with the machine's load), no example database written into the repository, and in
# CI the same examples on every run (derandomised) so that a run is reproducible.
# Each test fixes its own number of examples.
settings.register_profile(
    "greenpact",
    deadline=None,
    database=None,
    derandomize=IN_CI,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("greenpact")


def require_service(available: bool, what: str) -> None:
    """Skip outside CI, fail in CI, when a service the test needs is missing."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available")
    pytest.skip(f"{what} is not available on this machine (outside CI, so skipped)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- databases -------------------------------------------------------------------


def _pg_admin_url() -> str:
    return TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")


def postgres_available() -> bool:
    try:
        with psycopg.connect(_pg_admin_url(), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


def redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=3).ping())
    except redis.RedisError:
        return False


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A new, empty PostgreSQL database for this test, dropped afterwards."""
    with throwaway_postgres_database() as url:
        yield url


@contextmanager
def throwaway_postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (its SQLAlchemy URL), dropped on leaving;
    for fixtures of a wider scope than `postgres_url`."""
    require_service(postgres_available(), "PostgreSQL (TEST_DATABASE_URL)")
    name = f"greenpact_test_{uuid.uuid4().hex[:12]}"
    admin = _pg_admin_url()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(admin).set(drivername="postgresql+psycopg", database=name)
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def sqlite_url(tmp_path: Any) -> str:
    return f"sqlite:///{tmp_path / 'greenpact.sqlite3'}"


class RequestScopedClient(FlaskClient):
    """Each request runs in its own app context, as in production: `g` (the locale,
    the logged-in user, the CSRF token) and the database session are not carried over
    from the test's own context. The test's session is expired afterwards so that its
    queries see what the request committed.

    Like a browser set to English it sends `Accept-Language: en`, so a pact's page
    is in English when the pact offers it; a test of what a browser asking for no
    language gets uses `without_accept_language(client)`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


def without_accept_language(client: FlaskClient) -> FlaskClient:
    """The client as a browser that asks for no language at all."""
    client.environ_base.pop("HTTP_ACCEPT_LANGUAGE", None)
    return client


def build_app(database_url: str, **overrides: Any) -> Flask:
    # A folder of its own for apps built outside the fixtures below (which pass one).
    if "EVIDENCE_FOLDER" not in overrides:
        overrides["EVIDENCE_FOLDER"] = tempfile.mkdtemp(prefix="evidence-")
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, **overrides}
    )
    app.test_client_class = RequestScopedClient
    with app.app_context():
        db.create_all()
    return app


def _dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app(sqlite_url: str, tmp_path: Any) -> Iterator[Flask]:
    """The app on a fresh SQLite database (HTTP tests)."""
    application = build_app(sqlite_url, EVIDENCE_FOLDER=str(tmp_path / "evidence"))
    with application.app_context():
        yield application
    _dispose(application)


@pytest.fixture(params=["sqlite", "postgresql"])
def db_app(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[Flask]:
    """The app on each database backend (service and model tests)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'greenpact.sqlite3'}"
    else:
        url = request.getfixturevalue("postgres_url")
    application = build_app(url, EVIDENCE_FOLDER=str(tmp_path / "evidence"))
    with application.app_context():
        yield application
    _dispose(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- factories -------------------------------------------------------------------


@pytest.fixture
def make_pact() -> Callable[..., int]:
    def factory(slug: str = "ilfov", **kwargs: Any) -> int:
        existing = find_pact(slug)
        if existing is not None:
            return existing.id
        kwargs.setdefault("languages", "ro,en")
        kwargs.setdefault("country", "RO")
        title = kwargs.pop("title", f"{slug.title()} Local Green Pact")
        territory = kwargs.pop("territory", f"{slug.title()} County")
        return int(create_pact(slug, title, territory, **kwargs)["id"])

    return factory


@pytest.fixture
def make_staff(make_pact: Callable[..., int]) -> Callable[..., int]:
    counter = iter(range(1, 10_000))

    def factory(role: str = Role.OFFICIAL, pacts: tuple[str, ...] = ("ilfov",)) -> int:
        for slug in pacts:
            make_pact(slug)
        email = f"{role}{next(counter)}@{'-'.join(pacts) or 'none'}.ro"
        return int(
            create_staff(email, f"Test {role}", role, PASSWORD, list(pacts))["id"]
        )

    return factory


def registration_data(**overrides: Any) -> dict[str, Any]:
    """A registration as the services take it (already validated)."""
    data: dict[str, Any] = {
        "organisation_name": "EcoPack Ambalaje SRL",
        "kind": "sme",
        "size": "small",
        "sector": "C",
        "locality": "Otopeni",
        "region": "Ilfov",
        "country": "RO",
        "registration_number": None,
        "website": None,
        "contact_name": "Maria Popescu",
        "contact_position": "Director",
        "contact_email": "maria@ecopack.ro",
        "contact_phone": "+40721234567",
        "services": ["mentoring", "eu_funding"],
        "themes": ["circular-economy"],
        "motivation": "Less packaging waste.",
    }
    data.update(overrides)
    return data


@pytest.fixture
def make_registration(make_pact: Callable[..., int]) -> Callable[..., dict[str, Any]]:
    counter = iter(range(1, 100_000))

    def factory(
        pact: str = "ilfov",
        status: str = "pending",
        language: str = "en",
        **overrides: Any,
    ) -> dict[str, Any]:
        """A registration made in `language`: the person's pages and e-mails are in
        it (English by default, like the test client's browser)."""
        pact_id = make_pact(pact)
        n = next(counter)
        overrides.setdefault("contact_email", f"contact{n}@org{n}.ro")
        overrides.setdefault("organisation_name", f"Organisation {n} SRL")
        consent = {
            "version": CONSENT_VERSION,
            "language": language,
            "text": "consent text",
            "ip_address": "192.0.2.1",
        }
        return register_organisation(
            pact_id,
            registration_data(**overrides),
            consent,
            status=status,
            notify=False,
        )

    return factory


def form_data(**overrides: Any) -> dict[str, Any]:
    """A valid submission of the public registration form: the same registration as
    `registration_data`, typed the way a person would, with consent."""
    data: dict[str, Any] = registration_data(
        registration_number="J23/1234/2020",
        website="https://ecopack.example.ro",
        contact_phone="0721 234 567",
        themes=["circular-economy", "energy"],
        motivation="We want to reduce packaging waste.",
    ) | {"consent": "y", "consent_version": CONSENT_VERSION, "fax_number": ""}
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


_CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_from(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "page has no CSRF token"
    return match.group(1) or match.group(2)


@pytest.fixture
def login(client: FlaskClient) -> Callable[[int], None]:
    def do_login(person_id: int) -> None:
        person = db.session.get(Person, person_id)
        assert person is not None
        token = csrf_from(client.get("/login").get_data(as_text=True))
        response = client.post(
            "/login",
            data={"email": person.email, "password": PASSWORD, "csrf_token": token},
        )
        assert response.status_code == 302, "login failed"

    return do_login


# --- e-mail ----------------------------------------------------------------------


class Inbox:
    """Collects what a real SMTP server (aiosmtpd) receives."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, int, Inbox]]:
    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, inbox
    finally:
        controller.stop()


@pytest.fixture
def outbox_sender(app: Flask) -> Iterator[OutboxSender]:
    """The app's background e-mail sender (off in TestConfig), running for this test
    and stopped, its thread joined, before the app is disposed of."""
    sender: OutboxSender = app.extensions["outbox_sender"]
    sender.start()
    try:
        yield sender
    finally:
        sender.stop()


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30.0) -> None:
    """Poll until `condition()` holds (what a background thread does), or fail."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


@pytest.fixture(autouse=True)
def _no_stray_smtp(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Only tests marked `smtp` may open an SMTP connection, in the test's thread or
    in the background sender's (where the refusal is caught and logged, so it is
    also reported here)."""
    if request.node.get_closest_marker("smtp"):
        yield
        return
    attempts: list[str] = []

    def refuse(*args: Any, **kwargs: Any) -> None:
        attempts.append("SMTP connect")
        raise AssertionError(
            "this test opened an SMTP connection; mark it with @pytest.mark.smtp"
        )

    monkeypatch.setattr(smtplib.SMTP, "connect", refuse)
    yield
    if attempts:
        pytest.fail(
            "this test opened an SMTP connection; mark it with @pytest.mark.smtp"
        )


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Figures a test measured (`record_property("figure", ...)`), printed after the
    run, also from xdist workers, so that they can be quoted."""
    lines = [
        f"{report.nodeid}: {value}"
        for report in terminalreporter.stats.get("passed", [])
        for name, value in getattr(report, "user_properties", [])
        if name == "figure"
    ]
    if lines:
        terminalreporter.write_sep("-", "measured figures")
        for line in lines:
            terminalreporter.write_line(line)
