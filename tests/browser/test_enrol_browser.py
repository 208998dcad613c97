"""Enrolling a chosen few in a real browser: of ten approved stakeholders an official
ticks two and submits. Chromium must let the form go with the other eight unticked
(no checkbox of the group is `required`), and exactly those two are enrolled; with
nothing ticked the server answers with the Romanian error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.pacts import find_pact
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Person
from stakeholders.services import register_organisation
from tests.browser.conftest import LiveServer
from tests.browser.test_workshop_browser import log_in_as_official
from tests.conftest import registration_data
from tests.workshops.factories import new_workshop
from workshops.models import Enrolment, EnrolmentStatus

pytestmark = pytest.mark.browser

CONSENT = {
    "version": CONSENT_VERSION,
    "language": "ro",
    "text": "consent text",
    "ip_address": "192.0.2.1",
}


def ten_approved_stakeholders(live_server: LiveServer) -> tuple[int, list[str]]:
    """A workshop of the pact and the labels of ten approved stakeholders, in the
    form "Name (Organisation)" the enrol form shows."""
    labels = []
    with live_server.app.app_context():
        pact = find_pact("ilfov")
        assert pact is not None
        official = db.session.scalars(
            select(Person).where(Person.email == live_server.official_email)
        ).one()
        workshop = new_workshop(official.id, pact.id, capacity=20)
        for n in range(1, 11):
            name, organisation = f"Persoana {n:02}", f"Firma {n:02} SRL"
            register_organisation(
                pact.id,
                registration_data(
                    contact_name=name,
                    contact_email=f"persoana{n}@firma{n}-demo.ro",
                    organisation_name=organisation,
                ),
                CONSENT,
                status="approved",
                notify=False,
            )
            labels.append(f"{name} ({organisation})")
        db.session.remove()
    return workshop, labels


def enrolled_names(live_server: LiveServer, workshop: int) -> list[str]:
    with live_server.app.app_context():
        names = db.session.scalars(
            select(Person.name)
            .join(Enrolment, Enrolment.person_id == Person.id)
            .where(
                Enrolment.workshop_id == workshop,
                Enrolment.status == EnrolmentStatus.ENROLLED,
            )
            .order_by(Person.name)
        ).all()
        db.session.remove()
    return list(names)


def test_an_official_enrols_two_of_ten_approved_stakeholders(
    page: Page, live_server: LiveServer
) -> None:
    workshop, labels = ten_approved_stakeholders(live_server)
    log_in_as_official(page, live_server)
    page.goto(live_server.url(f"/staff/p/ilfov/workshops/{workshop}"))
    boxes = page.locator("form[action$='/enrol'] input[type=checkbox]")
    expect(boxes).to_have_count(10)

    page.get_by_label(labels[2]).check()
    page.get_by_label(labels[6]).check()
    with page.expect_navigation(timeout=3_000):
        page.locator("form[action$='/enrol'] button[type=submit]").click()

    expect(page.locator(".flash--success")).to_be_visible()
    enrolled = page.locator("section[aria-labelledby=enrolled-title] tbody tr")
    expect(enrolled).to_have_count(2)
    expect(enrolled.nth(0)).to_contain_text("Persoana 03")
    expect(enrolled.nth(1)).to_contain_text("Persoana 07")
    expect(boxes).to_have_count(8)
    assert enrolled_names(live_server, workshop) == ["Persoana 03", "Persoana 07"]


def test_enrolling_nobody_gets_the_servers_error_in_romanian(
    page: Page, live_server: LiveServer
) -> None:
    workshop, _labels = ten_approved_stakeholders(live_server)
    log_in_as_official(page, live_server)
    page.goto(live_server.url(f"/staff/p/ilfov/workshops/{workshop}"))

    with page.expect_navigation(timeout=3_000):
        page.locator("form[action$='/enrol'] button[type=submit]").click()

    expect(page).to_have_url(re.compile(rf"/staff/p/ilfov/workshops/{workshop}$"))
    expect(page.locator("main")).to_contain_text(
        "Vă rugăm să alegeți cel puțin o persoană."
    )
    expect(page.locator("main")).not_to_contain_text("Please choose")
    assert enrolled_names(live_server, workshop) == []
