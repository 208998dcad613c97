"""The registration journey in a real browser: a company registers through the
Romanian form, and the pact's official logs in and approves a registration."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.pacts import find_pact
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Organisation, Person
from stakeholders.services import register_organisation
from tests.browser.conftest import LiveServer
from tests.conftest import registration_data

pytestmark = pytest.mark.browser

# The browser asks for Romanian (locale ro-RO), so the pages answer in Romanian.
THANK_YOU = re.compile(r"^\s*Vă mulțumim pentru înregistrare!\s*$")
APPROVED_FLASH = re.compile(r"Înregistrarea a fost aprobată")


def fill_registration_form(page: Page) -> None:
    """Type the answers as a person would, field by field."""
    page.locator("[name=organisation_name]").fill("EcoPack Ambalaje SRL")
    page.locator("[name=kind]").select_option("sme")
    page.locator("[name=size]").select_option("small")
    page.locator("[name=sector]").select_option("C")
    page.locator("[name=locality]").fill("Otopeni")
    page.locator("[name=region]").fill("Ilfov")
    expect(page.locator("[name=country]")).to_have_value("RO")
    page.locator("[name=registration_number]").fill("J23/1234/2020")
    page.locator("[name=website]").fill("https://www.ecopack-demo.ro")
    page.locator("[name=contact_name]").fill("Maria Popescu")
    page.locator("[name=contact_position]").fill("Director")
    page.locator("[name=contact_email]").fill("maria@ecopack-demo.ro")
    page.locator("[name=contact_phone]").fill("0721 234 567")
    page.locator("input[name=services][value=mentoring]").check()
    page.locator("input[name=themes][value=circular-economy]").check()
    page.locator("[name=motivation]").fill("Vrem să reducem deșeurile de ambalaje.")
    page.locator("input[name=consent]").check()


def test_person_registers_through_the_romanian_form_and_is_stored(
    page: Page, live_server: LiveServer
) -> None:
    page.goto(live_server.url("/p/ilfov/register?lang=ro"))
    expect(page.locator("html")).to_have_attribute("lang", "ro")
    fill_registration_form(page)

    page.locator("form.form button[type=submit]").click()

    page.wait_for_url(re.compile(r"/p/ilfov/registered$"))
    expect(page.locator("h1")).to_have_text(THANK_YOU)
    with live_server.app.app_context():
        organisation = db.session.scalars(
            select(Organisation).where(Organisation.name == "EcoPack Ambalaje SRL")
        ).one()
        person = db.session.scalars(
            select(Person).where(Person.organisation_id == organisation.id)
        ).one()
        assert organisation.status == "pending"
        assert organisation.country == "RO"
        assert organisation.registration_number == "J23/1234/2020"
        assert organisation.service_keys == ["mentoring"]
        assert [theme.key for theme in organisation.themes] == ["circular-economy"]
        assert person.email == "maria@ecopack-demo.ro"
        assert person.phone == "+40721234567"
        assert [c.language for c in organisation.consents] == ["ro"]


def test_official_logs_in_and_approves_a_pending_registration(
    page: Page, live_server: LiveServer
) -> None:
    with live_server.app.app_context():
        pact = find_pact("ilfov")
        assert pact is not None
        consent = {
            "version": CONSENT_VERSION,
            "language": "ro",
            "text": "consent text",
            "ip_address": "192.0.2.1",
        }
        created = register_organisation(
            pact.id,
            registration_data(contact_email="maria@ecopack-demo.ro"),
            consent,
            notify=False,
        )
        db.session.remove()
    organisation_id = created["organisation"]

    page.goto(live_server.url("/login"))
    page.locator("[name=email]").fill(live_server.official_email)
    page.locator("[name=password]").fill(live_server.official_password)
    page.locator("form.form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/$"))

    page.goto(live_server.url("/staff/p/ilfov/registrations"))
    page.get_by_role("link", name="EcoPack Ambalaje SRL").click()
    page.wait_for_url(re.compile(rf"/staff/p/ilfov/registrations/{organisation_id}$"))
    # The decision redirects back to the same page: wait for that navigation.
    with page.expect_navigation():
        page.locator("button[formaction$='/approve']").click()

    expect(page.locator(".flash--success")).to_have_text(APPROVED_FLASH)
    expect(page.locator("button[formaction$='/approve']")).to_have_count(0)
    with live_server.app.app_context():
        organisation = db.session.get(Organisation, organisation_id)
        assert organisation is not None
        assert organisation.status == "approved"
