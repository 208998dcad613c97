"""Browser fixtures: the real app served over HTTP on a free port (one fresh SQLite
database per test) and Debian's Chromium driven through Playwright; for the live board,
one real `python app.py` per module (gevent, Socket.IO) and pages that join its boards
as participants (through their join links) or as the pact's official (through /login).

Playwright never downloads a browser here: Chromium is the system's /usr/bin/chromium.
Outside CI the browser tests skip when it is missing; in CI they fail."""

from __future__ import annotations

import os
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest
from flask import Flask
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    ViewportSize,
    expect,
    sync_playwright,
)
from sqlalchemy import func, select
from werkzeug.serving import make_server

from core.pacts import create_pact
from extensions import db
from stakeholders.services import create_staff, find_staff, set_preferred_language
from tests.board.conftest import OFFICIAL_EMAIL as BOARD_OFFICIAL_EMAIL
from tests.board.conftest import (
    BoardSetup,
    Seeder,
    Server,
    server_env,
    start_server,
    stop_server,
)
from tests.conftest import PASSWORD, build_app, free_port, require_service
from tests.pacts.factories import World, approved_party, load_pact
from workshops.agenda import plan_agenda, template_steps
from workshops.board.path import apply_board_change
from workshops.models import Card, Workshop

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
PHONE: ViewportSize = {"width": 390, "height": 844}
T = TypeVar("T")


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
    """The app on a fresh SQLite file, with the pact "ilfov" and one of its officials
    (who works in Romanian), served by a threaded werkzeug server in a daemon thread."""
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
        official = create_staff(
            OFFICIAL_EMAIL, "Ana Ionescu", "official", PASSWORD, ["ilfov"]
        )
        # She works in Romanian: her pages are Romanian whatever the browser asks.
        set_preferred_language(official["id"], "ro")
        db.session.remove()
    with served_in_a_thread(app, port):
        yield LiveServer(base_url=base_url, app=app)


def ilfov_world(
    live_server: LiveServer, make_registration: Callable[..., dict[str, Any]]
) -> World:
    """The live server's official and three approved SMEs of Ilfov whose people
    work in Romanian: a lead, a co-signer and an outsider. Call inside its app
    context."""
    official = find_staff(live_server.official_email)
    assert official is not None
    return World(
        pact=load_pact("ilfov").id,
        official=official.id,
        lead=approved_party(make_registration, "EcoPack Ambalaje SRL", language="ro"),
        co_signer=approved_party(
            make_registration, "Verde Logistic SRL", language="ro"
        ),
        outsider=approved_party(make_registration, "Solaris Ilfov SRL", language="ro"),
    )


@contextmanager
def served_in_a_thread(app: Flask, port: int) -> Iterator[None]:
    """`app` served on 127.0.0.1:`port` by a threaded werkzeug server in a daemon
    thread, stopped (and its database connections closed) on leaving."""
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
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


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    """A person's phone: a phone-sized window, in Romanian, no cookies."""
    context = browser.new_context(locale="ro-RO", viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def fits_the_screen(page: Page) -> bool:
    """Nothing sticks out sideways (no horizontal scrolling)."""
    return bool(
        page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    )


# --- the live board: one `python app.py` per module --------------------------------


@dataclass
class LiveBoardServer:
    server: Server
    seeder: Seeder

    @property
    def url(self) -> str:
        return self.server.url

    def new_board(self, phase: str = "ideas", participants: int = 2) -> BoardSetup:
        setup = self.seeder.new_board(participants=participants)
        self.change(setup.board, self.seeder.official, "board:phase", phase=phase)
        return setup

    def change(self, board: int, person: int, event: str, **payload: Any) -> Any:
        """A change written straight through the service (as if sent earlier)."""
        payload.setdefault("cid", uuid.uuid4().hex)
        with self.seeder.app.app_context():
            try:
                return apply_board_change(board, person, event, payload)
            finally:
                db.session.remove()

    def read(self, query: Callable[[], T]) -> T:
        """`query()` run in the seeder's app, on what the server has committed."""
        with self.seeder.app.app_context():
            try:
                return query()
            finally:
                db.session.remove()

    def cards_with(self, board: int, text: str) -> int:
        count = select(func.count()).where(Card.board_id == board, Card.text == text)
        return self.read(lambda: int(db.session.scalar(count) or 0))


@pytest.fixture(scope="module")
def live(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveBoardServer]:
    """One `python app.py` for the module (after the browser is known to exist)."""
    directory = tmp_path_factory.mktemp("board_browser")
    database_url = f"sqlite:///{directory / 'board.sqlite3'}"
    seeder = Seeder(database_url)  # builds the schema with the migrations
    try:
        server = start_server(server_env(database_url), directory / "server.log")
        try:
            yield LiveBoardServer(server, seeder)
        finally:
            stop_server(server)
    finally:
        seeder.close()


def watched_page(
    browser: Browser,
    contexts: list[BrowserContext],
    errors: list[str],
    timeout_ms: int = TIMEOUT_MS,
    **options: Any,
) -> Page:
    """A page in a new browser context (`options`: locale, viewport...), the context
    kept in `contexts` to be closed, its script errors and console errors collected
    in `errors` to fail the test."""
    context = browser.new_context(**options)
    context.set_default_timeout(timeout_ms)
    contexts.append(context)
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location['url']})")

    page.on("console", console)
    return page


@dataclass
class Pages:
    """The browser contexts of one test, closed at its end; script errors fail it."""

    browser: Browser
    live: LiveBoardServer
    contexts: list[BrowserContext] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def new_page(self, viewport: ViewportSize | None = None) -> Page:
        return watched_page(
            self.browser, self.contexts, self.errors, locale="en-GB", viewport=viewport
        )

    def participant(
        self, setup: BoardSetup, seat: int, viewport: ViewportSize | None = None
    ) -> Page:
        """A participant who opened their join link, on the board."""
        page = self.new_page(viewport)
        token = setup.participants[seat].token
        page.goto(self.live.url + f"/w/{setup.workshop}/join/{token}")
        page.wait_for_url(re.compile(r"/me$"))
        return self.open_board(page, setup)

    def official(self, setup: BoardSetup) -> Page:
        """The pact's official, logged in at /login, on the board (as facilitator)."""
        page = self.new_page()
        page.goto(self.live.url + "/login")
        page.locator("[name=email]").fill(BOARD_OFFICIAL_EMAIL)
        page.locator("[name=password]").fill(PASSWORD)
        with page.expect_navigation():
            page.locator("form.form button[type=submit]").click()
        return self.open_board(page, setup)

    def open_board(self, page: Page, setup: BoardSetup) -> Page:
        page.goto(self.live.url + f"/w/{setup.workshop}/board")
        expect(page.locator("#board-status")).to_have_text("Connected")
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser: Browser, live: LiveBoardServer) -> Iterator[Pages]:
    opened = Pages(browser, live)
    try:
        yield opened
        assert opened.errors == [], opened.errors
    finally:
        opened.close()


def column(page: Page, setup: BoardSetup, index: int = 0) -> Locator:
    return page.locator(f'.board-column[data-theme="{setup.themes[index]}"]')


def new_card(
    live: LiveBoardServer, setup: BoardSetup, text: str, theme: int = 0, **more: Any
) -> int:
    """A card written earlier by the facilitator (who is bound to no phase), in the
    board's `theme`-th column; its id."""
    created = live.change(
        setup.board,
        live.seeder.official,
        "card:create",
        theme=setup.themes[theme],
        text=text,
        **more,
    )
    return int(created["card"]["id"])


def add_card(page: Page, setup: BoardSetup, text: str) -> None:
    form = column(page, setup).locator("form.new-card")
    form.locator("textarea").fill(text)
    form.get_by_role("button", name="Add card").click()


def card_texts(page: Page, text: str) -> Locator:
    return page.locator(".card-list .card__text", has_text=text)


def open_panel(page: Page, name: str) -> Locator:
    """Open one of the board's disclosure panels (`data-panel`: votes, suggestions,
    agenda, breakout; closed when the board is first opened) by clicking its heading,
    unless it is open already; the panel."""
    panel = page.locator(f'details[data-panel="{name}"]')
    if panel.get_attribute("open") is None:
        panel.locator("summary").click()
    expect(panel).to_have_attribute("open", "")
    return panel


def open_every_panel(page: Page) -> None:
    """Open each of the board's disclosure panels shown now (they stay open, per
    board, for the tab)."""
    for summary in page.locator("details[data-panel]:not([open]) > summary").all():
        if summary.is_visible():
            summary.click()


def with_agenda(live: LiveBoardServer, template: str) -> BoardSetup:
    """A board in the lobby whose workshop has the agenda of `template`."""
    setup = live.new_board(phase="lobby")

    def plan() -> None:
        workshop = db.session.get(Workshop, setup.workshop)
        assert workshop is not None
        steps = template_steps(template)
        plan_agenda(live.seeder.official, workshop.pact_id, workshop.id, steps)

    live.read(plan)
    return setup
