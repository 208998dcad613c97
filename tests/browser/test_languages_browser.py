"""The language switcher in a real browser: on Torino's pages it offers Italian and
English, each named in itself; the language picked changes the page and stays
picked on the next one."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from core.pacts import create_pact
from extensions import db
from tests.browser.conftest import LiveServer

pytestmark = pytest.mark.browser


@pytest.fixture
def torino(live_server: LiveServer) -> LiveServer:
    with live_server.app.app_context():
        create_pact(
            slug="torino",
            title="Torino Local Green Pact",
            territory="Città di Torino",
            languages="it,en",
            country="IT",
            timezone="Europe/Rome",
        )
        db.session.remove()
    return live_server


def test_a_language_picked_on_torino_changes_the_page_and_stays_picked(
    page: Page, torino: LiveServer
) -> None:
    # The browser asks for Romanian, which Torino does not offer: its own Italian.
    page.goto(torino.url("/p/torino/register?source=poster"))
    html = page.locator("html")
    switcher = page.locator("nav.languages")
    expect(html).to_have_attribute("lang", "it")
    expect(switcher.locator("[lang]")).to_have_text(["Italiano", "English"])
    expect(switcher.locator("[aria-current=true]")).to_have_text("Italiano")
    expect(page.locator("#contact_phone-hint")).to_contain_text("+39 312 345 6789")

    switcher.get_by_role("link", name="English").click()

    page.wait_for_url(re.compile(r"/p/torino/register\?source=poster&lang=en$"))
    expect(html).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Join Torino Local Green Pact")
    expect(switcher.locator("[aria-current=true]")).to_have_text("English")

    page.goto(torino.url("/p/torino"))
    expect(html).to_have_attribute("lang", "en")
    expect(switcher.get_by_role("link", name="Italiano")).to_be_visible()

    switcher.get_by_role("link", name="Italiano").click()
    expect(html).to_have_attribute("lang", "it")
    page.goto(torino.url("/p/torino/register"))
    expect(html).to_have_attribute("lang", "it")
