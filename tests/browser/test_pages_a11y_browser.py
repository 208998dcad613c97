"""Every page of the site (tests/browser/site_map.py: each GET route of the URL map,
filled from the demo installation) visited in Chromium, in Romanian, as an anonymous
visitor, as a participant (logged in from their personal link) and as the pact's
official (logged in at /login). Whatever each gets (the page, a redirect, 403, 404,
the login page) is a proper page: axe-core finds nothing at WCAG 2.1 AA, and at 360 px
nothing scrolls sideways; the page is in Romanian and its `<html lang>` says so. One
demo server for the module, one browser context per role. (The other languages:
test_pages_languages_browser.py.)"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import axe_violations
from tests.browser.conftest import fits_the_screen
from tests.browser.demo_pages import (
    DESKTOP,
    NARROW,
    PAGES,
    SLOW_MS,
    DemoSite,
    assert_speaks,
    log_in,
    served_demo,
    visit,
)
from tests.browser.site_map import EXCLUDED, get_endpoints, page_endpoints, url_map_app

pytestmark = pytest.mark.browser

ROLES = ("anonymous", "participant", "official")
# The demo's Ilfov pact speaks Romanian first, and the browsers here ask for it.
LANGUAGE = "ro"
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
    ("accounts.forgot", "anonymous"),
    ("team.index", "official"),
    ("team.deactivate", "official"),
]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    """The demo installation (`seed-demo`) served for the module."""
    with served_demo(tmp_path_factory.mktemp("pages")) as site:
        yield site


@pytest.fixture(scope="module")
def role_pages(browser: Browser, demo_site: DemoSite) -> Iterator[dict[str, Page]]:
    """One browser context per role, in Romanian, logged in once."""
    pages: dict[str, Page] = {}
    try:
        for role in ROLES:
            context = browser.new_context(locale="ro-RO")
            context.set_default_timeout(SLOW_MS)
            context.set_default_navigation_timeout(SLOW_MS)
            pages[role] = context.new_page()
            log_in(demo_site, pages[role], role)
        yield pages
    finally:
        for page in pages.values():
            page.context.close()


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
    assert_speaks(demo_site, page, LANGUAGE)
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
    heading = demo_site.translate("ro", "This page is for the pact's staff")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    workshops = demo_site.translate("ro", "My workshops")
    page.locator("main").get_by_role("link", name=workshops).click()
    page.wait_for_url(re.compile(r"/me$"))
