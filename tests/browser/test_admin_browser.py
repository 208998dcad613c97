"""The administrator in a real browser (Chromium, in Romanian): creates a pact in two
languages with three themes named in both, renames one in Romanian, moves one up with
the keyboard, archives one, and the public registration form offers only the active
ones, in their order and with their new names. The admin pages pass axe and fit a
360 px screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from extensions import db
from stakeholders.services import create_staff
from tests.browser.admin import (
    archive_theme_in_browser,
    create_pact_in_browser,
    log_in_in_browser,
    submit,
    theme_form,
    theme_items,
)
from tests.browser.axe import axe_violations
from tests.browser.conftest import LiveServer, fits_the_screen
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

ADMIN_EMAIL = "admin@greenpact.ro"
THEMES = [
    {"ro": "Energie solară", "en": "Solar energy"},
    {"ro": "Apă", "en": "Water"},
    {"ro": "Deșeuri", "en": "Waste"},
]


@pytest.fixture
def admin_page(page: Page, live_server: LiveServer) -> Page:
    with live_server.app.app_context():
        create_staff(ADMIN_EMAIL, "Admin Test", "admin", PASSWORD, [], "ro")
        db.session.remove()
    log_in_in_browser(page, live_server.base_url, ADMIN_EMAIL, PASSWORD)
    return page


def offered_themes(page: Page, base_url: str, slug: str) -> list[str]:
    page.goto(f"{base_url}/p/{slug}/register")
    labels = page.locator("#themes label")
    return [text.strip() for text in labels.all_inner_texts()]


def test_an_administrator_creates_a_pact_and_shapes_its_themes(
    admin_page: Page, live_server: LiveServer
) -> None:
    page, base = admin_page, live_server.base_url
    expect(page.locator("nav a[href='/admin/pacts']")).to_have_count(1)
    url = create_pact_in_browser(
        page,
        base,
        "cluj",
        {"ro": "Pactul Verde Local Cluj", "en": "Cluj Local Green Pact"},
        ["ro", "en"],
        THEMES,
    )
    assert offered_themes(page, base, "cluj") == ["Energie solară", "Apă", "Deșeuri"]

    page.goto(url)
    solar, water, waste = theme_items(page)[-3:]
    page.locator(f"[name='{water}-name_ro']").fill("Apă curată")
    submit(page, f"#{water} form[action$='/{water.removeprefix('theme-')}']")
    # Move "Deșeuri" up with the keyboard: focus its button, press Enter.
    move_up = page.locator(theme_form(waste) + "move'] button[value=up]")
    move_up.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    archive_theme_in_browser(page, solar)

    assert offered_themes(page, base, "cluj") == ["Deșeuri", "Apă curată"]
    page.goto(url)
    expect(page.locator(f"#{solar} .status")).to_be_visible()


def test_the_admin_pages_pass_axe_and_fit_a_narrow_screen(
    admin_page: Page, live_server: LiveServer
) -> None:
    page, base = admin_page, live_server.base_url
    for path in ("/admin/pacts", "/admin/pacts/new", "/admin/pacts/ilfov"):
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(base + path)
        assert axe_violations(page) == [], path
        page.set_viewport_size({"width": 360, "height": 740})
        page.goto(base + path)
        assert fits_the_screen(page), path
    page.goto(base + "/admin/pacts/new")
    submit(page, "main form.form")
    expect(page.locator(".error-summary")).to_be_visible()
    assert axe_violations(page) == []
