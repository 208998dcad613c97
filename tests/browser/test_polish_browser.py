"""What people notice, in Chromium: after a failed submit focus is on the error
summary, whose links lead to their fields; a field in error has a red border and an
icon beside its message; `www.…` is a web address; no request of a page fails (the
icon used to be a 404 on every page); an export says it is under way until its file
has arrived."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Route, expect
from sqlalchemy import select

from extensions import db
from stakeholders.models import Organisation
from tests.browser.conftest import LiveServer
from tests.browser.test_registration_browser import fill_registration_form

pytestmark = pytest.mark.browser

ERROR_RED = "rgb(179, 38, 30)"  # --error in greenpact.css


def submit_registration(page: Page) -> None:
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()


def test_a_failed_submit_moves_focus_to_the_error_summary_whose_links_reach_fields(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url("/p/ilfov/register?lang=en"))
    expect(page.locator("body")).to_be_focused()

    submit_registration(page)

    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    summary.get_by_role("link", name=re.compile(r"^Locality:")).click()
    expect(page.locator("#locality")).to_be_focused()
    summary.get_by_role("link", name=re.compile(r"^Services you are")).click()
    expect(page.locator("input[name=services]").first).to_be_focused()


def test_a_text_input_in_error_has_a_red_border_and_its_message_an_icon(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url("/p/ilfov/register?lang=en"))
    border = "getComputedStyle(document.querySelector('#locality')).borderTopColor"
    assert page.evaluate(border) != ERROR_RED

    submit_registration(page)

    for field in ("organisation_name", "locality", "contact_email", "kind"):
        style = page.evaluate(
            f"""(() => {{
                const s = getComputedStyle(document.getElementById("{field}"));
                return [s.borderTopColor, s.borderTopWidth];
            }})()"""
        )
        assert style == [ERROR_RED, "2px"], field
    icon = page.evaluate(
        """getComputedStyle(document.querySelector('#locality-error li'), '::before')
        .content"""
    )
    assert icon.startswith('"!"')


def test_a_website_typed_without_https_is_accepted_and_stored_with_it(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url("/p/ilfov/register?lang=ro"))
    fill_registration_form(page)
    page.locator("[name=website]").fill("www.brutaria.ro")

    submit_registration(page)

    page.wait_for_url(re.compile(r"/p/ilfov/registered$"))
    with live_server.app.app_context():
        website = db.session.scalars(select(Organisation.website)).one()
        db.session.remove()
    assert website == "https://www.brutaria.ro"


def test_no_request_of_a_page_fails_and_the_icon_is_served(
    page: Page, live_server: LiveServer
) -> None:
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.on("requestfailed", lambda r: failed.append(r.url))

    for path in ("/", "/login", "/p/ilfov/register"):
        page.goto(live_server.url(path))
        page.wait_for_load_state("networkidle")
        icon = page.locator("link[rel=icon][type='image/svg+xml']")
        href = icon.get_attribute("href")
        assert href is not None
        assert page.request.get(live_server.url(href)).ok
    assert page.request.get(live_server.url("/favicon.ico")).ok
    assert failed == []


def log_in(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url("/login?lang=en"))
    page.locator("[name=email]").fill(live_server.official_email)
    page.locator("[name=password]").fill(live_server.official_password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/$"))


def test_an_export_says_it_is_under_way_until_its_file_has_arrived(
    page: Page, live_server: LiveServer
) -> None:
    log_in(page, live_server)
    page.goto(live_server.url("/staff/p/ilfov/registrations"))
    held: list[Route] = []
    page.route("**/registrations.csv*", lambda route: held.append(route))
    link = page.locator("a[href*='registrations.csv']")
    expect(link).to_have_text("CSV, for re-import and other programs")

    link.click()

    expect(link).to_have_text("Preparing the export…")
    expect(link).to_have_attribute("aria-busy", "true")
    for _ in range(50):  # the route's handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(100)
    link.click(force=True)  # a second click while under way asks for nothing more
    with page.expect_download() as download:
        held[0].continue_()
    assert download.value.suggested_filename.endswith(".csv")
    expect(link).to_have_text("CSV, for re-import and other programs")
    expect(link).not_to_have_attribute("aria-busy", "true")
    assert len(held) == 1
    assert page.url.endswith("/staff/p/ilfov/registrations")
