"""An official handles registrations in Chromium: ticks several in the list ("select
all on this page", then one unticked) and approves them after seeing who is
affected; rejects one with a reason after a confirmation; completes a walk-in's
size and sector; and goes from a decided registration to the next one waiting."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.pacts import find_pact
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Organisation, RegistrationChange
from stakeholders.services import register_organisation
from tests.browser.conftest import LiveServer
from tests.browser.test_workshop_browser import log_in_as_official
from tests.conftest import registration_data

pytestmark = pytest.mark.browser

LIST = "/staff/p/ilfov/registrations"
CONSENT = {
    "version": CONSENT_VERSION,
    "language": "ro",
    "text": "consent text",
    "ip_address": "192.0.2.1",
}


def registrations(live_server: LiveServer, *names: str) -> list[int]:
    """Pending registrations, oldest first."""
    ids = []
    with live_server.app.app_context():
        pact = find_pact("ilfov")
        assert pact is not None
        for n, name in enumerate(names):
            data = registration_data(
                organisation_name=name, contact_email=f"contact{n}@firma{n}-demo.ro"
            )
            result = register_organisation(pact.id, data, CONSENT, notify=False)
            ids.append(int(result["organisation"]))
        db.session.remove()
    return ids


def row_of(live_server: LiveServer, organisation_id: int) -> dict[str, Any]:
    with live_server.app.app_context():
        row = db.session.get(Organisation, organisation_id)
        assert row is not None
        values = {
            "status": row.status,
            "reason": row.decision_reason,
            "size": row.size,
            "sector": row.sector,
        }
        db.session.remove()
    return values


def start(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url("/login?lang=en"))
    log_in_as_official(page, live_server)


def test_an_official_approves_the_registrations_ticked_in_the_list(
    page: Page, live_server: LiveServer
):
    alfa, beta, gamma = registrations(live_server, "Alfa SRL", "Beta SRL", "Gamma SRL")
    start(page, live_server)
    page.goto(live_server.url(LIST))
    page.get_by_label("Select all on this page").check()
    page.get_by_label("Select Beta SRL").uncheck()
    expect(page.get_by_label("Select all on this page")).not_to_be_checked()
    page.get_by_role("button", name="Approve the selected…").click()

    expect(page.get_by_role("heading", name="Approve 2 registrations?")).to_be_visible()
    affected = page.locator(".affected")
    expect(affected).to_contain_text("Alfa SRL")
    expect(affected).to_contain_text("Gamma SRL")
    expect(affected).not_to_contain_text("Beta SRL")
    assert row_of(live_server, alfa)["status"] == "pending"
    page.get_by_role("button", name="Approve 2 registrations").click()

    expect(page.get_by_text("2 registrations approved.")).to_be_visible()
    statuses = [row_of(live_server, i)["status"] for i in (alfa, beta, gamma)]
    assert statuses == ["approved", "pending", "approved"]


def test_an_official_rejects_with_a_reason_after_confirming(
    page: Page, live_server: LiveServer
):
    (spam,) = registrations(live_server, "Pills Online Ltd")
    start(page, live_server)
    page.goto(live_server.url(f"{LIST}/{spam}"))
    page.get_by_label("Reason (optional, sent to the applicant)").fill(
        "Not a company of Ilfov County"
    )
    page.get_by_role("button", name="Reject…").click()

    expect(page.get_by_role("heading", name="Reject 1 registration?")).to_be_visible()
    expect(page.locator(".affected")).to_contain_text("Pills Online Ltd")
    expect(page.get_by_label("Reason (optional, sent to the applicant)")).to_have_value(
        "Not a company of Ilfov County"
    )
    assert row_of(live_server, spam)["status"] == "pending"
    page.get_by_role("button", name="Reject 1 registration").click()

    page.wait_for_url(re.compile(rf"{LIST}/{spam}$"))
    expect(page.get_by_text("Registration rejected.")).to_be_visible()
    row = row_of(live_server, spam)
    assert (row["status"], row["reason"]) == (
        "rejected",
        "Not a company of Ilfov County",
    )


def test_an_official_completes_a_walk_ins_size_and_sector(
    page: Page, live_server: LiveServer
):
    (walk_in,) = registrations(live_server, "Walk-in Bistro SRL")
    with live_server.app.app_context():
        row = db.session.get(Organisation, walk_in)
        assert row is not None
        row.size = row.sector = None
        db.session.commit()
        db.session.remove()
    start(page, live_server)
    page.goto(live_server.url(f"{LIST}/{walk_in}"))
    page.get_by_role("link", name="Edit the registration").click()
    page.get_by_label("Size", exact=True).select_option("micro")
    page.get_by_label("Sector", exact=True).select_option("I")
    page.get_by_role("button", name="Save changes").click()

    page.wait_for_url(re.compile(rf"{LIST}/{walk_in}$"))
    expect(page.get_by_text("The registration is saved.")).to_be_visible()
    expect(page.locator(".history")).to_contain_text("Ana Ionescu: Sector, Size")
    row = row_of(live_server, walk_in)
    assert (row["size"], row["sector"]) == ("micro", "I")
    with live_server.app.app_context():
        change = db.session.scalars(select(RegistrationChange)).one()
        assert change.fields == ["sector", "size"]
        db.session.remove()


def test_after_a_decision_next_pending_opens_the_next_waiting_registration(
    page: Page, live_server: LiveServer
):
    first, second = registrations(live_server, "Prima SRL", "Secunda SRL")
    start(page, live_server)
    page.goto(live_server.url(f"{LIST}/{first}"))
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("Registration approved.")).to_be_visible()
    page.get_by_role("link", name="Next pending registration").click()

    page.wait_for_url(re.compile(rf"{LIST}/{second}$"))
    expect(page.get_by_role("heading", name="Secunda SRL")).to_be_visible()
    assert row_of(live_server, first)["status"] == "approved"
