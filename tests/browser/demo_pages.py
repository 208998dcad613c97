"""The demo installation (`seed-demo`) served over HTTP for the page-wide browser
sweeps (axe, 360 px): its pages' addresses (tests/browser/site_map.py), logging in
as the demo's participant (their personal link) or official (/login), and a visit
that checks the visitor is still who they were. Shared by the sweep in the demo's
own languages and the one in every language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, ViewportSize, expect

from commitments.operations import member_link
from core.pacts import find_pact
from demo.seed import seed_demo
from extensions import db
from stakeholders.models import Person
from tests.browser.conftest import TIMEOUT_MS, served_in_a_thread
from tests.browser.site_map import (
    OFFICIAL_EMAIL,
    OFFICIAL_PASSWORD,
    DemoIds,
    demo_ids,
    page_endpoints,
    page_path,
)
from tests.conftest import build_app, free_port

# Generous: a whole suite in parallel shares the machine with these modules.
SLOW_MS = 4 * TIMEOUT_MS
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
NARROW: ViewportSize = {"width": 360, "height": 740}
# Pages no route names: the error page of an address that does not exist.
EXTRA_PAGES = {"not-found": "/no-such-page"}
PAGES = [*page_endpoints(), *EXTRA_PAGES]


@dataclass(frozen=True)
class DemoSite:
    base_url: str
    app: Flask
    ids: DemoIds

    def url(self, endpoint: str) -> str:
        if endpoint in EXTRA_PAGES:
            return self.base_url + EXTRA_PAGES[endpoint]
        return self.base_url + page_path(self.app, endpoint, self.ids)

    def path(self, endpoint: str) -> str:
        return self.url(endpoint).removeprefix(self.base_url)

    def translate(self, language: str, text: str) -> str:
        with self.app.test_request_context(), force_locale(language):
            return str(gettext(text))


@contextmanager
def served_demo(
    directory: Path, ilfov_languages: str | None = None
) -> Iterator[DemoSite]:
    """The demo served in a thread from a database of its own in `directory`; the
    Ilfov pact offering `ilfov_languages` instead of its own when given (a change to
    this throw-away copy only)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = build_app(
        f"sqlite:///{directory / 'demo.sqlite3'}",
        PUBLIC_URL=base_url,
        EVIDENCE_FOLDER=str(directory / "evidence"),
    )
    with app.app_context():
        ids = demo_ids(seed_demo()["workshop"])
        if ilfov_languages is not None:
            pact = find_pact("ilfov")
            assert pact is not None
            pact.languages = ilfov_languages
            db.session.commit()
        db.session.remove()
    with served_in_a_thread(app, port):
        yield DemoSite(base_url, app, ids)


def _participant_link(site: DemoSite) -> str:
    with site.app.app_context():
        try:
            person = db.session.get(Person, site.ids.participant)
            assert person is not None
            return member_link(person)
        finally:
            db.session.remove()


def log_in(site: DemoSite, page: Page, role: str) -> None:
    """`page` logged in as the demo's `role` (anonymous: nobody)."""
    if role == "participant":
        page.goto(_participant_link(site))
    elif role == "official":
        page.goto(site.base_url + "/login")
        page.locator("[name=email]").fill(OFFICIAL_EMAIL)
        page.locator("[name=password]").fill(OFFICIAL_PASSWORD)
        with page.expect_navigation():
            page.locator("form.form button[type=submit]").click()
    if role != "anonymous":
        expect(page.locator("form[action$='/logout']")).to_have_count(1)


def visit(site: DemoSite, page: Page, endpoint: str, role: str) -> None:
    """Open the page; the visitor is still who they were (no page logs them out)."""
    response = page.goto(site.url(endpoint))
    assert response is not None, endpoint
    assert response.status < 500, endpoint
    logged_in = page.locator("form[action$='/logout']").count() > 0
    assert logged_in == (role != "anonymous"), f"{role} after {endpoint}"


def assert_speaks(site: DemoSite, page: Page, language: str) -> None:
    """The page is in `language` and says so: `<html lang>` names it, and the first
    words of every page (the skip link) are in it."""
    assert page.locator("html").get_attribute("lang") == language, page.url
    skip = site.translate(language, "Skip to content")
    expect(page.locator("a.skip")).to_have_text(skip)
