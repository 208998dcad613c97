"""The workshop's staff page in Chromium: its QR code decodes to the join page with
the code filled in, "Copy the code" puts the code on the clipboard and says so, and
cancelling a place or the workshop goes through a confirmation page whose "No"
changes nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from core.pacts import find_pact
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.services import find_staff, register_organisation
from tests.browser.conftest import LiveServer
from tests.browser.test_workshop_browser import log_in_as_official
from tests.conftest import registration_data
from tests.workshops.factories import workshop_data
from tests.workshops.qr_reader import decode_png
from workshops.enrolment import enrol_people
from workshops.models import Enrolment, Workshop
from workshops.scheduling import create_workshop

pytestmark = pytest.mark.browser

CONSENT = {"version": CONSENT_VERSION, "language": "ro", "text": "consent"}


def planned_workshop_with_one_person(live_server: LiveServer) -> tuple[int, str]:
    """A planned workshop of the pact with one approved stakeholder enrolled."""
    with live_server.app.app_context():
        pact = find_pact("ilfov")
        assert pact is not None
        staff = find_staff(live_server.official_email)
        assert staff is not None
        official = staff.id
        registered = register_organisation(
            pact.id,
            registration_data(contact_name="Maria Popescu"),
            {**CONSENT, "ip_address": None},
            status="approved",
            notify=False,
        )
        created = create_workshop(official, pact.id, workshop_data())
        enrol_people(official, created["workshop"], [registered["person"]])
        workshop = db.session.get(Workshop, created["workshop"])
        assert workshop is not None
        code = workshop.join_code
        db.session.remove()
    return created["workshop"], code


def read(live_server: LiveServer, workshop_id: int) -> tuple[str, str]:
    """The workshop's status and its one enrolment's."""
    with live_server.app.app_context():
        workshop = db.session.get(Workshop, workshop_id)
        assert workshop is not None
        enrolment = db.session.query(Enrolment).filter_by(workshop_id=workshop_id).one()
        statuses = (workshop.status, enrolment.status)
        db.session.remove()
    return statuses


def test_the_qr_code_decodes_to_the_join_page_and_the_code_is_copied(
    page: Page, live_server: LiveServer
) -> None:
    workshop, code = planned_workshop_with_one_person(live_server)
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.base_url
    )
    log_in_as_official(page, live_server)
    page.goto(live_server.url(f"/staff/p/ilfov/workshops/{workshop}"))

    qr = page.locator(".join-code__qr svg")
    assert decode_png(qr.screenshot()) == live_server.url(f"/join?code={code}")

    page.locator(f"button[data-copy='{code}']").click()
    expect(page.get_by_role("status").filter(has_text=code)).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == code


def test_cancelling_a_place_and_the_workshop_asks_first(
    page: Page, live_server: LiveServer
) -> None:
    workshop, _code = planned_workshop_with_one_person(live_server)
    detail = live_server.url(f"/staff/p/ilfov/workshops/{workshop}")
    log_in_as_official(page, live_server)
    page.goto(detail)

    page.locator("a[href$='/decline']").click()
    expect(page.locator("h1")).to_have_text("Anulați acest loc?")
    expect(page.locator("main")).to_contain_text("Maria Popescu")
    page.get_by_role("link", name="Nu, păstrați-l").click()
    expect(page).to_have_url(detail)
    assert read(live_server, workshop) == ("planned", "enrolled")

    page.locator("a[href$='/decline']").click()
    page.get_by_role("button", name="Da, anulați locul").click()
    expect(page).to_have_url(detail)
    expect(page.locator(".flash--success")).to_be_visible()
    assert read(live_server, workshop) == ("planned", "declined")

    page.locator(f"a[href$='/{workshop}/cancel']").click()
    expect(page.locator("h1")).to_have_text("Anulați atelierul?")
    page.get_by_role("button", name="Da, anulați atelierul").click()
    expect(page).to_have_url(detail)
    expect(page.locator(".status--cancelled")).to_be_visible()
    expect(page.locator(f"a[href$='/{workshop}/cancel']")).to_have_count(0)
    assert read(live_server, workshop) == ("cancelled", "declined")
