"""Every page of the site (tests/browser/site_map.py: each GET route of the URL map,
filled from the demo installation) visited in Chromium, in Romanian, as an anonymous
visitor, as a participant (logged in from their personal link) and as the pact's
official (logged in at /login). Whatever each gets (the page, a redirect, 403, 404,
the login page) is a proper page: axe-core finds nothing at WCAG 2.1 AA, and at 360 px
nothing scrolls sideways. One demo server for the module, one browser context per
role."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from flask_babel import force_locale, gettext
from playwright.sync_api import Browser, Page, ViewportSize, expect

from commitments.operations import member_link
from demo.seed import seed_demo
from extensions import db
from stakeholders.models import Person
from tests.browser.axe import axe_violations
from tests.browser.conftest import TIMEOUT_MS, fits_the_screen, served_in_a_thread
from tests.browser.site_map import (
    EXCLUDED,
    OFFICIAL_EMAIL,
    OFFICIAL_PASSWORD,
    DemoIds,
    demo_ids,
    get_endpoints,
    page_endpoints,
    page_path,
    url_map_app,
)
from tests.conftest import build_app, free_port

pytestmark = pytest.mark.browser

ROLES = ("anonymous", "participant", "official")
SLOW_MS = 4 * TIMEOUT_MS
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
NARROW: ViewportSize = {"width": 360, "height": 740}
# Pages no route names: the error page of an address that does not exist.
EXTRA_PAGES = {"not-found": "/no-such-page"}
PAGES = [*page_endpoints(), *EXTRA_PAGES]
# Forms sent empty, by whom may send them: the page that comes back with its errors.
FORMS = [
    ("stakeholders.register", "anonymous"),
    ("auth.login", "anonymous"),
    ("workshops.walk_in", "anonymous"),
    ("member.new_link_form", "anonymous"),
    ("auth.password", "official"),
    ("imports.upload", "official"),
    ("workshop_staff.new", "official"),
    ("pact_staff.new_commitment", "official"),
    ("pact_staff.return_report", "official"),
]


@dataclass(frozen=True)
class DemoSite:
    base_url: str
    app: Flask
    ids: DemoIds

    def url(self, endpoint: str) -> str:
        if endpoint in EXTRA_PAGES:
            return self.base_url + EXTRA_PAGES[endpoint]
        return self.base_url + page_path(self.app, endpoint, self.ids)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    """The demo installation (`seed-demo`) served for the module."""
    directory = tmp_path_factory.mktemp("pages")
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = build_app(
        f"sqlite:///{directory / 'demo.sqlite3'}",
        PUBLIC_URL=base_url,
        EVIDENCE_FOLDER=str(directory / "evidence"),
    )
    with app.app_context():
        ids = demo_ids(seed_demo()["workshop"])
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


def _log_in(site: DemoSite, page: Page, role: str) -> None:
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


@pytest.fixture(scope="module")
def role_pages(browser: Browser, demo_site: DemoSite) -> Iterator[dict[str, Page]]:
    """One browser context per role, in Romanian, logged in once."""
    pages: dict[str, Page] = {}
    try:
        for role in ROLES:
            context = browser.new_context(locale="ro-RO")
            # Generous: a whole suite in parallel shares the machine with this module.
            context.set_default_timeout(SLOW_MS)
            context.set_default_navigation_timeout(SLOW_MS)
            pages[role] = context.new_page()
            _log_in(demo_site, pages[role], role)
        yield pages
    finally:
        for page in pages.values():
            page.context.close()


def ro(site: DemoSite, text: str) -> str:
    with site.app.test_request_context(), force_locale("ro"):
        return str(gettext(text))


def visit(demo_site: DemoSite, page: Page, endpoint: str, role: str) -> None:
    """Open the page; the visitor is still who they were (no page logs them out)."""
    response = page.goto(demo_site.url(endpoint))
    assert response is not None, endpoint
    assert response.status < 500, endpoint
    logged_in = page.locator("form[action$='/logout']").count() > 0
    assert logged_in == (role != "anonymous"), f"{role} after {endpoint}"


def test_every_get_route_is_checked_or_excluded_with_a_reason() -> None:
    endpoints = get_endpoints(url_map_app())
    assert set(EXCLUDED) <= set(endpoints), "EXCLUDED names a route that is gone"
    assert set(page_endpoints()) | set(EXCLUDED) == set(endpoints)
    assert all(reason.strip() for reason in EXCLUDED.values())
    assert len(page_endpoints()) >= 30


def test_every_page_argument_comes_from_the_demo(demo_site: DemoSite) -> None:
    paths = {endpoint: demo_site.url(endpoint) for endpoint in page_endpoints()}
    assert all("<" not in path for path in paths.values())


def test_axe_reports_what_it_finds(page: Page) -> None:
    page.set_content('<html><body><main><img src="x.png"></main></body></html>')
    found = axe_violations(page)
    assert any(line.startswith("image-alt: ") for line in found), found
    assert any(line.startswith("html-has-lang: ") for line in found), found


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", PAGES)
def test_page_has_no_axe_violations(
    demo_site: DemoSite, role_pages: dict[str, Page], endpoint: str, role: str
) -> None:
    page = role_pages[role]
    page.set_viewport_size(DESKTOP)
    visit(demo_site, page, endpoint, role)
    violations = axe_violations(page)
    assert violations == [], f"{page.url}:\n" + "\n".join(violations)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", PAGES)
def test_page_fits_a_360_px_screen(
    demo_site: DemoSite, role_pages: dict[str, Page], endpoint: str, role: str
) -> None:
    page = role_pages[role]
    page.set_viewport_size(NARROW)
    visit(demo_site, page, endpoint, role)
    assert fits_the_screen(page), (
        f"{page.url} is {page.evaluate('document.documentElement.scrollWidth')} px "
        "wide at 360 px"
    )


@pytest.mark.parametrize(("endpoint", "role"), FORMS)
def test_form_sent_empty_shows_its_errors_without_axe_violations(
    demo_site: DemoSite, role_pages: dict[str, Page], endpoint: str, role: str
) -> None:
    page = role_pages[role]
    page.set_viewport_size(DESKTOP)
    visit(demo_site, page, endpoint, role)
    with page.expect_navigation():
        page.locator("main form.form button[type=submit]").first.click()
    expect(page.locator(".error-summary, .errors").first).to_be_visible()
    violations = axe_violations(page)
    assert violations == [], f"{page.url}:\n" + "\n".join(violations)


def test_a_participant_on_a_staff_page_gets_a_page_saying_it_is_for_staff(
    demo_site: DemoSite, role_pages: dict[str, Page]
) -> None:
    page = role_pages["participant"]
    response = page.goto(demo_site.url("staff.registrations"))
    assert response is not None
    assert response.status == 403
    assert page.url.endswith("/staff/p/ilfov/registrations"), "not sent to a login"
    heading = ro(demo_site, "This page is for the pact's staff")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.locator("main").get_by_role("link", name=ro(demo_site, "My workshops")).click()
    page.wait_for_url(re.compile(r"/me$"))
