"""Browser fixtures: the real app served over HTTP on a free port (one fresh SQLite
database per test) and Debian's Chromium driven through Playwright.

Playwright never downloads a browser here: Chromium is the system's /usr/bin/chromium.
Outside CI the browser tests skip when it is missing; in CI they fail."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from core.pacts import create_pact
from extensions import db
from stakeholders.services import create_staff
from tests.conftest import PASSWORD, build_app, free_port, require_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
OFFICIAL_EMAIL = "official@ilfov.ro"
TIMEOUT_MS = 5_000


@dataclass(frozen=True)
class LiveServer:
    base_url: str
    app: Flask
    official_email: str = OFFICIAL_EMAIL
    official_password: str = PASSWORD

    def url(self, path: str) -> str:
        return self.base_url + path


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The app on a fresh SQLite file, with the pact "ilfov" and one of its officials,
    served by a threaded werkzeug server in a daemon thread."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = build_app(f"sqlite:///{tmp_path / 'greenpact.sqlite3'}", PUBLIC_URL=base_url)
    with app.app_context():
        create_pact(
            slug="ilfov",
            title="Ilfov Local Green Pact",
            territory="Ilfov County",
            languages="ro,en",
            country="RO",
            timezone="Europe/Bucharest",
        )
        create_staff(OFFICIAL_EMAIL, "Ana Ionescu", "official", PASSWORD, ["ilfov"])
        db.session.remove()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(base_url=base_url, app=app)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    available = CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)
    require_service(available, f"Chromium ({CHROMIUM})")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) in Romanian, per test."""
    context = browser.new_context(locale="ro-RO")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()
