"""The whole app works in Chromium under its Content-Security-Policy, with nothing
refused: the public registration form submitted, the staff login and the
registrations dashboard with its charts, a live board on which a card is created,
and the published pact's page and commitment page with their charts. Every
`securitypolicyviolation` event and every console error about the policy fails the
test."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.board.conftest import OFFICIAL_EMAIL as BOARD_OFFICIAL_EMAIL
from tests.browser.conftest import LiveServer, Pages, add_card, card_texts
from tests.browser.test_pact_browser import seed_published_pact
from tests.browser.test_registration_browser import fill_registration_form
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

REPORT = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportCspViolation(
    `${event.violatedDirective} blocked ${event.blockedURI} on ${location.pathname}`
  );
});
"""


def watch_csp(page: Page) -> list[str]:
    """Violations on every document the page loads from now on (the reporting
    function outlives navigations, the listener is added to each document)."""
    violations: list[str] = []

    def report(text: str) -> None:
        violations.append(text)

    page.expose_function("reportCspViolation", report)
    page.add_init_script(REPORT)

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            violations.append(message.text)

    page.on("console", console)
    return violations


def test_the_form_staff_pages_and_pact_charts_work_under_the_csp(
    page: Page,
    live_server: LiveServer,
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    violations = watch_csp(page)

    page.goto(live_server.url("/p/ilfov/register?lang=ro"))
    fill_registration_form(page)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/p/ilfov/registered$"))

    page.goto(live_server.url("/login"))
    page.locator("[name=email]").fill(live_server.official_email)
    page.locator("[name=password]").fill(live_server.official_password)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    page.goto(live_server.url("/staff/p/ilfov/registrations"))
    bar = page.locator(".chart__svg rect").first
    expect(bar).to_be_visible()
    box = bar.bounding_box()
    assert box is not None
    assert box["width"] > 10  # the one registration's bar: the whole width

    commitment = seed_published_pact(live_server, make_registration)
    page.goto(live_server.url("/p/ilfov?lang=en"))
    expect(page.locator("svg[role=img]").first).to_be_visible()
    page.goto(live_server.url(f"/p/ilfov/commitments/{commitment}?lang=en"))
    expect(page.locator("svg.line-chart__svg")).to_be_visible()

    assert violations == []


def test_a_live_board_works_under_the_csp(pages: Pages) -> None:
    setup = pages.live.new_board(phase="ideas")
    official = pages.new_page()
    violations = watch_csp(official)
    official.goto(pages.live.url + "/login")
    official.locator("[name=email]").fill(BOARD_OFFICIAL_EMAIL)
    official.locator("[name=password]").fill(PASSWORD)
    with official.expect_navigation():
        official.locator("form.form button[type=submit]").click()
    pages.open_board(official, setup)
    participant = pages.new_page()
    violations += watch_csp(participant)
    token = setup.participants[0].token
    participant.goto(pages.live.url + f"/w/{setup.workshop}/join/{token}")
    participant.wait_for_url(re.compile(r"/me$"))
    pages.open_board(participant, setup)

    add_card(participant, setup, "Shared e-bikes for the industrial park")

    expect(card_texts(participant, "Shared e-bikes")).to_have_count(1)
    expect(card_texts(official, "Shared e-bikes")).to_have_count(1)
    assert violations == []
