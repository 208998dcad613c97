"""Verified progress in Chromium, in Romanian: an official verifies one progress
report from the commitment's staff page and returns another with a comment (on its
confirmation page, after an empty try is refused); the lead opens their personal
link on a phone, reads the comment and sends a correction, which supersedes the
returned report; the public page shows each report's state."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect

from extensions import db
from pacts.models import ProgressReport
from tests.browser.axe import axe_violations
from tests.browser.conftest import LiveServer, ilfov_world
from tests.pacts.factories import (
    link_path,
    published,
    report,
)

pytestmark = pytest.mark.browser

TITLE = "Lăzi reutilizabile pentru legume și fructe"
COMMENT = "Factura arată 1 100 de lăzi, nu 1 200."


def seed(
    live_server: LiveServer, make_registration: Callable[..., dict[str, Any]]
) -> tuple[int, int, int, str]:
    """A published commitment with two reports by its lead: the commitment, the
    reports' ids and the lead's personal link."""
    with live_server.app.app_context():
        try:
            world = ilfov_world(live_server, make_registration)
            commitment = published(world, title=TITLE)
            first = report(world.lead.person, world.pact, commitment, 10, days_ago=40)
            second = report(world.lead.person, world.pact, commitment, 1200, 5)
            return commitment, first, second, link_path(world.lead.person)
        finally:
            db.session.remove()


def test_an_official_verifies_and_returns_and_the_lead_corrects_in_chromium(
    live_server: LiveServer,
    page: Page,
    phone: Page,
    make_registration: Callable[..., dict[str, Any]],
):
    commitment, first, second, link = seed(live_server, make_registration)

    def ro(text: str, **values: Any) -> str:
        with live_server.app.test_request_context(), force_locale("ro"):
            return str(gettext(text, **values))

    def states() -> list[tuple[float, str, int | None]]:
        with live_server.app.app_context():
            try:
                rows = db.session.scalars(
                    db.select(ProgressReport)
                    .where(ProgressReport.commitment_id == commitment)
                    .order_by(ProgressReport.id)
                )
                return [(r.value, r.verification, r.supersedes_id) for r in rows]
            finally:
                db.session.remove()

    # The official verifies the first report.
    page.goto(live_server.url("/login"))
    page.locator("#email").fill(live_server.official_email)
    page.get_by_label(ro("Password")).fill(live_server.official_password)
    page.get_by_role("button", name=ro("Log in"), exact=True).click()
    page.wait_for_url(re.compile(r"/staff/$"))
    staff_page = live_server.url(f"/staff/p/ilfov/pact/commitments/{commitment}")
    page.goto(staff_page)
    page.locator(f"#report-{first}").get_by_role("button", name=ro("Verify")).click()
    expect(page.locator(".flash--success")).to_have_text(ro("The report is verified."))
    expect(page.locator(f"#report-{first}")).to_contain_text(
        ro("Verified by the public authority")
    )

    # ...and returns the second, with a comment, on its confirmation page.
    page.locator(f"#report-{second}").get_by_role(
        "link", name=re.compile(ro("Return for correction"))
    ).click()
    page.wait_for_url(re.compile(rf"/reports/{second}/return$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        ro("Return the report for correction")
    )
    page.get_by_role("button", name=ro("Return for correction")).click()
    expect(page.locator(".error-summary, .errors").first).to_be_visible()
    assert states()[1][1] == "self-reported", "an empty comment returns nothing"
    page.get_by_label(ro("What should be corrected")).fill(COMMENT)
    page.get_by_role("button", name=ro("Return for correction")).click()
    expect(page.locator(".flash--success")).to_have_text(
        ro("The report is returned; its lead was told by e-mail.")
    )
    expect(page.locator(f"#report-{second}")).to_contain_text(COMMENT)
    assert axe_violations(page) == []

    # The lead reads the comment on their phone and sends a correction.
    phone.goto(live_server.url(link))
    phone.wait_for_url(re.compile(r"/me/commitments$"))
    returned = phone.locator("section.returned")
    expect(returned).to_contain_text(COMMENT)
    returned.get_by_text(ro("Send a correction")).click()
    assert axe_violations(phone) == []
    returned.get_by_label(ro("Value of the indicator")).fill("1100")
    returned.get_by_role("button", name=ro("Send the correction")).click()
    phone.wait_for_url(re.compile(rf"/me/commitments#commitment-{commitment}$"))
    expect(phone.locator(".flash--success")).to_have_text(
        ro("Thank you: your correction is recorded.")
    )
    [one, two, correction] = states()
    assert one == (10, "verified", None)
    assert two == (1200, "superseded", None)
    assert correction == (1100, "self-reported", second)

    # The public page shows every report's state; the returned one stays.
    phone.goto(live_server.url(f"/p/ilfov/commitments/{commitment}"))
    reports = phone.locator("table.reports")
    expect(reports).to_contain_text(ro("Verified by the public authority"))
    expect(reports).to_contain_text(ro("Superseded by a correction"))
    expect(reports).to_contain_text(ro("Corrects an earlier report."))
