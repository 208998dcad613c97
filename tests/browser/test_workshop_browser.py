"""The workshop journey in a real browser: an official schedules a workshop through
the form and enrols two approved stakeholders; one of them opens the join link from
their invitation e-mail and finds the workshop under "My workshops"."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.mail import OutboxMessage
from core.pacts import find_pact
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.services import register_organisation
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.conftest import registration_data
from tests.workshops.factories import join_links
from workshops.models import Workshop

pytestmark = pytest.mark.browser

YEAR = datetime.now(UTC).year + 1
TITLE = "Ambalaje circulare în Otopeni"


def approved_stakeholders(live_server: LiveServer) -> list[dict[str, str]]:
    """Two approved registrations of the pact, as an official would have left them."""
    people = [
        ("Maria Popescu", "maria@ecopack-demo.ro", "EcoPack Ambalaje SRL"),
        ("Ion Ionescu", "ion@fermaverde-demo.ro", "Ferma Verde SRL"),
    ]
    consent = {
        "version": CONSENT_VERSION,
        "language": "ro",
        "text": "consent text",
        "ip_address": "192.0.2.1",
    }
    with live_server.app.app_context():
        pact = find_pact("ilfov")
        assert pact is not None
        for name, email, organisation in people:
            register_organisation(
                pact.id,
                registration_data(
                    contact_name=name,
                    contact_email=email,
                    organisation_name=organisation,
                ),
                consent,
                status="approved",
                notify=False,
            )
        db.session.remove()
    return [{"name": n, "email": e, "organisation": o} for n, e, o in people]


def log_in_as_official(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url("/login"))
    page.locator("[name=email]").fill(live_server.official_email)
    page.locator("[name=password]").fill(live_server.official_password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/$"))


def schedule_workshop(page: Page, live_server: LiveServer) -> None:
    page.goto(live_server.url("/staff/p/ilfov/workshops/new"))
    page.locator("[name=title]").fill(TITLE)
    page.locator("[name=description]").fill("Mai puține deșeuri de ambalaje.")
    page.locator("[name=starts_at]").fill(f"{YEAR}-06-10T10:00")
    page.locator("[name=ends_at]").fill(f"{YEAR}-06-10T13:00")
    page.locator("[name=place]").fill("Primăria Otopeni, sala 2")
    page.locator("[name=capacity]").fill("10")
    page.locator("[name=language]").select_option("ro")
    page.locator("input[name=themes][value=circular-economy]").check()
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()


def test_official_schedules_and_enrols_then_a_participant_opens_their_link(
    page: Page, browser: Browser, live_server: LiveServer
) -> None:
    stakeholders = approved_stakeholders(live_server)
    log_in_as_official(page, live_server)

    schedule_workshop(page, live_server)

    expect(page).to_have_url(re.compile(r"/staff/p/ilfov/workshops/\d+$"))
    expect(page.locator("h1")).to_contain_text(TITLE)
    expect(page.locator(".join-code__code")).to_have_text(re.compile(r"^\w{6}$"))
    for person in stakeholders:
        page.get_by_label(f"{person['name']} ({person['organisation']})").check()
    with page.expect_navigation():
        page.locator("form[action$='/enrol'] button[type=submit]").click()
    expect(page.locator(".flash--success")).to_be_visible()
    enrolled = page.locator("section[aria-labelledby=enrolled-title] tbody")
    for person in stakeholders:
        expect(enrolled).to_contain_text(person["name"])

    with live_server.app.app_context():
        workshop = db.session.scalars(select(Workshop)).one()
        # 10:00 in Bucharest in June is 07:00 UTC (summer time, UTC+3).
        assert workshop.starts_at == datetime(YEAR, 6, 10, 7, 0, tzinfo=UTC)
        invitation = db.session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.recipient == stakeholders[0]["email"]
            )
        ).one()
        ((workshop_id, token),) = join_links(invitation.body)
        db.session.remove()

    participant = browser.new_context(locale="ro-RO")
    participant.set_default_timeout(TIMEOUT_MS)
    try:
        their_page = participant.new_page()
        their_page.goto(live_server.url(f"/w/{workshop_id}/join/{token}"))
        their_page.wait_for_url(re.compile(r"/me$"))
        expect(their_page.locator(".card h2")).to_have_text([TITLE])
        expect(their_page.locator("main")).to_contain_text("Primăria Otopeni, sala 2")
        expect(their_page.locator("main")).to_contain_text(stakeholders[0]["name"])
    finally:
        participant.close()
