"""Which origins may open a Socket.IO connection (core/origins.py, wired into the
app by create_app), PUBLIC_URL's default, and the start-up warning when PUBLIC_URL
disagrees with the address served.

The origin rules are checked through the app's own WSGI stack with the Engine.IO
CORS preflight (OPTIONS on /socket.io/): Engine.IO checks the `Origin` of every
request before anything else, and a preflight opens no session."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from config import Config
from core.origins import origin_of, public_url_problems, warn_about_public_url
from extensions import db
from tests.board.conftest import server_env, start_server, stop_server
from tests.conftest import build_app

HANDSHAKE = "/socket.io/?EIO=4&transport=polling"
REFUSED = "Not an accepted origin."
EVERY_INTERFACE = "0.0.0.0"  # noqa: S104 - a HOST to compare with, never bound here


def preflight(app: Flask, address: str, origin: str, **headers: str) -> int:
    """The status of a Socket.IO preflight sent to `address` from `origin`; an
    accepted one also names the origin in Access-Control-Allow-Origin."""
    response = app.test_client().options(
        HANDSHAKE, base_url=address, headers={"Origin": origin, **headers}
    )
    if response.status_code == 200:
        assert response.headers["Access-Control-Allow-Origin"] == origin
    else:
        assert response.get_data(as_text=True) == f'"{REFUSED}"'
    return response.status_code


@pytest.fixture
def origin_app(sqlite_url: str, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The app on a fresh database, with the overrides the test passes as this
    fixture's parameter (none by default: TestConfig's PUBLIC_URL)."""
    app = build_app(sqlite_url, **getattr(request, "param", {}))
    try:
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize(
    ("address", "others"),
    [
        (
            "http://127.0.0.1:8080",
            [
                "http://127.0.0.1:5000",
                "https://127.0.0.1:8080",
                "http://localhost:8080",
            ],
        ),
        (
            "http://192.168.1.20:5001",
            ["http://192.168.1.20", "http://192.168.1.21:5001"],
        ),
        (
            "https://pact.example.org",
            ["http://pact.example.org", "https://example.org"],
        ),
    ],
)
def test_a_page_on_any_port_may_connect_from_its_own_origin_and_no_neighbour(
    origin_app: Flask, address: str, others: list[str]
):
    assert origin_app.config["PUBLIC_URL"] == "http://localhost"

    assert preflight(origin_app, address, address) == 200
    for other in others:
        assert preflight(origin_app, address, other) == 400, other
    # Forwarded headers make nothing "own": only the proxy settings may trust them.
    forged = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    assert preflight(origin_app, address, "https://evil.example", **forged) == 400


@pytest.mark.parametrize(
    "origin_app",
    [
        {
            "PUBLIC_URL": "https://Pact.Example.org/",
            "SOCKETIO_ALLOWED_ORIGINS": [
                "https://kiosk.example.org:443",
                " http://a.test:81",
            ],
        }
    ],
    indirect=True,
)
def test_public_url_and_the_allowed_origins_are_accepted_whatever_the_host(
    origin_app: Flask,
):
    behind_a_proxy = "http://127.0.0.1:8000"

    for origin in (
        "https://pact.example.org",
        "https://kiosk.example.org",
        "http://a.test:81",
    ):
        assert preflight(origin_app, behind_a_proxy, origin) == 200, origin
    assert preflight(origin_app, behind_a_proxy, "http://evil.example") == 400


@pytest.mark.parametrize(
    "origin_app", [{"SOCKETIO_ALLOWED_ORIGINS": ["*", "null"]}], indirect=True
)
def test_star_and_null_in_the_allowed_origins_never_accept_a_foreign_page(
    origin_app: Flask,
):
    assert preflight(origin_app, "http://127.0.0.1:8080", "http://evil.example") == 400
    assert preflight(origin_app, "http://127.0.0.1:8080", "null") == 400


def test_origins_are_compared_as_browsers_write_them():
    assert (
        origin_of("HTTPS://Pact.Example.org:443/path?q=1") == "https://pact.example.org"
    )
    assert origin_of("http://127.0.0.1:8080/") == "http://127.0.0.1:8080"
    assert origin_of("http://[::1]:8080") == "http://[::1]:8080"
    for not_an_origin in (
        "",
        "null",
        "*",
        "pact.example.org",
        "ftp://x.org",
        "http://x:y",
    ):
        assert origin_of(not_an_origin) is None, not_an_origin


# --- PUBLIC_URL's default -------------------------------------------------------------


@pytest.mark.parametrize(
    ("environment", "public_url"),
    [
        ({"PORT": "8080"}, "http://127.0.0.1:8080"),
        ({"HOST": EVERY_INTERFACE, "PORT": "8080"}, "http://127.0.0.1:8080"),
        (
            {"HOST": "192.168.1.20", "PORT": "5001", "PUBLIC_URL": ""},
            "http://192.168.1.20:5001",
        ),
    ],
)
def test_public_url_unset_is_the_address_served_and_a_set_one_wins(
    monkeypatch: pytest.MonkeyPatch, environment: dict[str, str], public_url: str
):
    for name in ("HOST", "PORT", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    assert Config.from_environment()["PUBLIC_URL"] == public_url
    monkeypatch.setenv("PUBLIC_URL", "https://pact.example.org")
    assert Config.from_environment()["PUBLIC_URL"] == "https://pact.example.org"


# --- the start-up warning -------------------------------------------------------------


@pytest.mark.parametrize(
    ("public_url", "host", "port"),
    [
        ("http://127.0.0.1:5000", "127.0.0.1", 8080),  # PORT changed, PUBLIC_URL stale
        ("http://localhost:5000", EVERY_INTERFACE, 8080),
        ("http://127.0.0.1:8080", "192.168.1.20", 8080),  # loopback, not listened on
        ("https://127.0.0.1:8080", "127.0.0.1", 8080),  # the app serves no TLS
        ("http://192.168.1.20", "192.168.1.20", 8080),
        ("not a url", "127.0.0.1", 5000),
    ],
)
def test_start_up_warns_when_public_url_names_this_server_where_it_does_not_serve(
    app: Flask,
    caplog: pytest.LogCaptureFixture,
    public_url: str,
    host: str,
    port: int,
):
    app.config["PUBLIC_URL"] = public_url

    with caplog.at_level(logging.WARNING, logger="greenpact"):
        warn_about_public_url(app, host, port)

    [record] = caplog.records
    assert record.levelno == logging.WARNING
    assert "PUBLIC_URL" in record.getMessage()


@pytest.mark.parametrize(
    ("public_url", "host", "port"),
    [
        ("https://pact.example.org", "127.0.0.1", 8000),  # a proxy in front
        ("http://pact.local:8080", EVERY_INTERFACE, 5000),  # a proxy or a port mapping
        ("http://192.168.1.20", "127.0.0.1", 5000),
        ("http://127.0.0.1:8080/", "127.0.0.1", 8080),  # the address served
        ("http://localhost:8080", EVERY_INTERFACE, 8080),
        ("http://127.0.0.1", "127.0.0.1", 80),
    ],
)
def test_start_up_says_nothing_of_a_proxy_or_of_the_address_served(
    public_url: str, host: str, port: int
):
    assert public_url_problems(public_url, [], host, port) == []


def test_start_up_warns_of_an_allowed_origin_it_ignores(
    app: Flask, caplog: pytest.LogCaptureFixture
):
    app.config["PUBLIC_URL"] = "https://pact.example.org"
    app.config["SOCKETIO_ALLOWED_ORIGINS"] = ["https://kiosk.example.org", "*"]

    with caplog.at_level(logging.WARNING, logger="greenpact"):
        warn_about_public_url(app, "127.0.0.1", 5000)

    assert [record.getMessage() for record in caplog.records] == [
        "SOCKETIO_ALLOWED_ORIGINS entry '*' is not an http(s) origin; it is ignored."
    ]


def test_python_app_py_warns_at_start_up_of_a_stale_public_url(
    tmp_path: Path, sqlite_url: str
):
    env = server_env(sqlite_url, PUBLIC_URL="http://127.0.0.1:5000")
    server = start_server(env, tmp_path / "server.log")
    try:
        # The warning is logged before the server serves; the log may lag a little.
        deadline = time.monotonic() + 5
        while "WARNING" not in server.log_text() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop_server(server)

    assert (
        f"WARNING greenpact: PUBLIC_URL is http://127.0.0.1:5000 but this server "
        f"listens on {server.url}:"
    ) in server.log_text()
