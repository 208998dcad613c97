"""Every page of the site in a language besides the demo's Romanian (English,
Italian, Spanish; Romanian is test_pages_a11y_browser.py's, which visits every page
as every role): every page as an anonymous visitor, and the staff's pages (the staff
area, the administration and the board) as the pact's official, each in one of the
three, taken in turn, so that each language covers a third of the pages of each role
and the suite stays within its time (every page in all three took four minutes).
Each page is in the language asked for and says so in `<html lang>`, axe-core
finds nothing at WCAG 2.1 AA, and at 360 px nothing scrolls sideways (Italian and
Spanish words are longer). In this module's own copy of
the demo the Ilfov pact offers all four languages; one browser context per role and
language, which asks for its language once with `?lang=` (then remembered)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page

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
from tests.browser.site_map import page_endpoints, url_map_app

pytestmark = pytest.mark.browser

LANGUAGES = ("en", "it", "es")
EVERY_LANGUAGE = "ro,en,it,es"
STAFF_PREFIXES = ("/staff/", "/admin/", "/w/<int:workshop_id>/board")


def staff_pages() -> list[str]:
    """The pages of the staff area, the administration and the board."""
    return sorted(
        {
            rule.endpoint
            for rule in url_map_app().url_map.iter_rules()
            if rule.rule.startswith(STAFF_PREFIXES)
        }
        & set(page_endpoints())
    )


def in_turn(role: str, endpoints: list[str], start: int) -> list[tuple[str, str, str]]:
    """Each endpoint with the next language of LANGUAGES, beginning at `start`."""
    return [
        (LANGUAGES[(start + index) % len(LANGUAGES)], role, endpoint)
        for index, endpoint in enumerate(sorted(endpoints))
    ]


# The official's pages start one language later, so a staff page an anonymous
# visitor also sees (the board's login redirect, say) is not always in the same one.
SWEEP = [*in_turn("anonymous", list(PAGES), 0), *in_turn("official", staff_pages(), 1)]

PageFor = Callable[[str, str], Page]


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    """The demo, its Ilfov pact offering every language (in this copy only)."""
    directory = tmp_path_factory.mktemp("languages")
    with served_demo(directory, ilfov_languages=EVERY_LANGUAGE) as site:
        yield site


@pytest.fixture(scope="module")
def page_for(browser: Browser, demo_site: DemoSite) -> Iterator[PageFor]:
    """A page per (role, language), opened when first needed: a browser asking for
    that language, logged in, and the language chosen once with `?lang=`."""
    pages: dict[tuple[str, str], Page] = {}

    def opened(role: str, language: str) -> Page:
        if (role, language) not in pages:
            context = browser.new_context(locale=language)
            context.set_default_timeout(SLOW_MS)
            context.set_default_navigation_timeout(SLOW_MS)
            page = pages[role, language] = context.new_page()
            log_in(demo_site, page, role)
            page.goto(f"{demo_site.base_url}/?lang={language}")
        return pages[role, language]

    try:
        yield opened
    finally:
        for page in pages.values():
            page.context.close()


def test_the_sweep_has_every_page_and_each_language_a_share_of_each_role() -> None:
    anonymous = [endpoint for _lang, role, endpoint in SWEEP if role == "anonymous"]
    assert sorted(anonymous) == sorted(PAGES)
    for role in ("anonymous", "official"):
        languages = [lang for lang, who, _endpoint in SWEEP if who == role]
        assert set(languages) == set(LANGUAGES)
        counts = [languages.count(language) for language in LANGUAGES]
        assert max(counts) - min(counts) <= 1, (role, counts)
    staff = {endpoint for _lang, role, endpoint in SWEEP if role == "official"}
    assert {"team.index", "staff.registrations", "board_pages.board"} <= staff
    assert {"admin.pacts", "pact_staff.index", "workshop_staff.detail"} <= staff


@pytest.mark.parametrize(("language", "role", "endpoint"), SWEEP)
def test_page_in_its_language_has_no_axe_violations_and_fits_360_px(
    demo_site: DemoSite, page_for: PageFor, language: str, role: str, endpoint: str
) -> None:
    page = page_for(role, language)
    page.set_viewport_size(DESKTOP)
    visit(demo_site, page, endpoint, role)
    assert_speaks(demo_site, page, language)
    violations = axe_violations(page)
    assert violations == [], f"{page.url}:\n" + "\n".join(violations)
    page.set_viewport_size(NARROW)
    assert fits_the_screen(page), (
        f"{page.url} is {page.evaluate('document.documentElement.scrollWidth')} px "
        "wide at 360 px"
    )
