"""Staff login in a real browser (Chromium, in Romanian): logging out ends the
session on the server, so a copy of the cookie taken before no longer opens the staff
area; a locked account gets in with "E-mail me a login link"; the password change."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.mail import OutboxMessage
from extensions import db
from tests.browser.conftest import TIMEOUT_MS, LiveServer

pytestmark = pytest.mark.browser

LOGIN_LINK = re.compile(r"http://127\.0\.0\.1:\d+/login/link/[A-Za-z0-9_-]+")
NEW_PASSWORD = "o parolă nouă și lungă"


def log_in(page: Page, live_server: LiveServer, password: str) -> None:
    page.goto(live_server.url("/login"))
    page.locator("[name=email]").fill(live_server.official_email)
    page.locator("[name=password]").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Autentificare", exact=True).click()


def log_out(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Deconectare").click()
    expect(page.locator(".flash")).to_be_visible()


def test_a_cookie_copied_before_logout_no_longer_opens_the_staff_area(
    browser: Browser, page: Page, live_server: LiveServer
):
    log_in(page, live_server, live_server.official_password)
    expect(page).to_have_url(re.compile(r"/staff/$"))
    copied = page.context.cookies()
    thief_context = browser.new_context(locale="ro-RO")
    thief_context.set_default_timeout(TIMEOUT_MS)
    try:
        thief_context.add_cookies(copied)  # type: ignore[arg-type]
        thief = thief_context.new_page()
        thief.goto(live_server.url("/staff/"))
        expect(thief).to_have_url(re.compile(r"/staff/$"))

        log_out(page)
        thief.goto(live_server.url("/staff/"))

        expect(thief).to_have_url(re.compile(r"/login\?next="))
        expect(thief.locator("h1")).to_have_text("Autentificare echipă")
    finally:
        thief_context.close()


def test_a_locked_account_gets_in_with_an_emailed_login_link(
    page: Page, live_server: LiveServer
):
    live_server.app.config["LOGIN_FAILURE_LIMIT"] = "2 per 15 minutes"
    for _ in range(2):
        log_in(page, live_server, "o parolă greșită")
    log_in(page, live_server, live_server.official_password)
    expect(page.locator(".error-summary")).to_contain_text(
        "Încercați din nou peste 15 minute"
    )

    # The form below is filled in with the address typed above.
    expect(page.locator("[name='link-email']")).to_have_value(
        live_server.official_email
    )
    with page.expect_navigation():
        page.get_by_role("button", name="Trimiteți-mi un link de autentificare").click()
    expect(page.locator(".flash")).to_contain_text("un link de autentificare")
    with live_server.app.app_context():
        body = db.session.scalars(
            select(OutboxMessage.body).where(
                OutboxMessage.recipient == live_server.official_email
            )
        ).one()
        db.session.remove()
    match = LOGIN_LINK.search(body)
    assert match, body

    page.goto(match.group(0))
    expect(page).to_have_url(re.compile(r"/login/link/"))  # not used by opening it
    with page.expect_navigation():
        page.get_by_role("button", name="Autentifică-mă").click()

    expect(page).to_have_url(re.compile(r"/staff/$"))
    expect(page.locator(".flash")).to_have_text("Sunteți autentificat.")


def test_a_staff_member_changes_their_password(page: Page, live_server: LiveServer):
    log_in(page, live_server, live_server.official_password)
    with page.expect_navigation():
        page.get_by_role("link", name="Parolă").click()
    expect(page.locator("h1")).to_have_text("Schimbați parola")

    page.locator("[name=current_password]").fill(live_server.official_password)
    page.locator("[name=new_password]").fill(NEW_PASSWORD)
    page.locator("[name=confirm_password]").fill(NEW_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Schimbă parola").click()

    expect(page.locator(".flash")).to_contain_text("Parola a fost schimbată")
    log_out(page)
    log_in(page, live_server, NEW_PASSWORD)
    expect(page).to_have_url(re.compile(r"/staff/$"))
