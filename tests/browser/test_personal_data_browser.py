"""Personal-data rights in Chromium, in Romanian: a participant opens their personal
link, downloads their data from "My data" and withdraws their consent through the
confirmation; an official downloads a contact's data and erases them through the
confirmation on the registration's page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import Page, expect
from sqlalchemy import select

from commitments.operations import member_link
from core.pacts import find_pact
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Consent, Person
from stakeholders.services import register_organisation
from tests.browser.conftest import LiveServer, fits_the_screen
from tests.conftest import registration_data

pytestmark = pytest.mark.browser

Ro = Callable[..., str]
NAME = "Maria Popescu-Vlad"
EMAIL = "maria@ecopack-browser.ro"


@pytest.fixture
def ro(live_server: LiveServer) -> Ro:
    def translate(text: str, **values: Any) -> str:
        with live_server.app.test_request_context(), force_locale("ro"):
            return str(gettext(text, **values))

    return translate


@pytest.fixture
def maria(live_server: LiveServer) -> dict[str, Any]:
    """An approved registration, and the personal link of the pact's e-mails."""
    with live_server.app.app_context():
        try:
            pact = find_pact("ilfov")
            assert pact is not None
            made = register_organisation(
                pact.id,
                registration_data(contact_name=NAME, contact_email=EMAIL),
                {"version": CONSENT_VERSION, "language": "ro", "text": "consent"},
                status="approved",
                notify=False,
            )
            person = db.session.get(Person, made["person"])
            assert person is not None
            link = member_link(person)
            return {**made, "path": link.removeprefix(live_server.base_url)}
        finally:
            db.session.remove()


def read(live_server: LiveServer, query: Callable[[], Any]) -> Any:
    with live_server.app.app_context():
        try:
            return query()
        finally:
            db.session.remove()


def test_a_person_downloads_their_data_and_withdraws_their_consent(
    phone: Page, live_server: LiveServer, ro: Ro, maria: dict[str, Any]
) -> None:
    page = phone  # from the link in an e-mail, on their phone
    page.goto(live_server.url(maria["path"]))
    page.get_by_role("link", name=ro("My data")).click()
    page.wait_for_url(re.compile(r"/me/data$"))
    assert fits_the_screen(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=ro("Download my data (JSON)")).click()
    export = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert export["people"][0]["person"]["name"] == NAME

    page.get_by_role("link", name=ro("Withdraw my consent…")).click()
    assert fits_the_screen(page)
    page.get_by_role("button", name=ro("Withdraw my consent")).click()
    expect(page.locator(".errors")).to_contain_text(
        ro("Please tick the box to confirm.")
    )
    page.get_by_label(ro("I understand that this cannot be undone.")).check()
    page.get_by_role("button", name=ro("Withdraw my consent")).click()
    page.wait_for_url(re.compile(r"/me/data$"))

    expect(page.locator(".flash--success")).to_have_text(
        ro("Your consent is withdrawn. A confirmation is on its way.")
    )
    withdrawn = read(
        live_server,
        lambda: db.session.scalars(
            select(Consent.withdrawn_at).where(Consent.person_id == maria["person"])
        ).one(),
    )
    assert withdrawn is not None


def test_an_official_erases_a_contact_through_the_confirmation(
    page: Page, live_server: LiveServer, ro: Ro, maria: dict[str, Any]
) -> None:
    page.goto(live_server.url("/login"))
    page.locator("#email").fill(live_server.official_email)
    page.get_by_label(ro("Password")).fill(live_server.official_password)
    page.get_by_role("button", name=ro("Log in"), exact=True).click()
    page.wait_for_url(re.compile(r"/staff/$"))
    page.goto(live_server.url(f"/staff/p/ilfov/registrations/{maria['organisation']}"))

    with page.expect_download() as download:
        page.get_by_role(
            "link", name=ro("Download the contact's personal data (JSON)")
        ).click()
    assert NAME in download.value.path().read_text(encoding="utf-8")
    page.get_by_role("link", name=ro("Erase the contact person…")).click()
    page.get_by_label(ro("I understand that this cannot be undone.")).check()
    page.get_by_role("button", name=ro("Erase the contact person")).click()

    expect(page.locator(".flash--success")).to_have_text(
        ro("The contact person's personal data is erased.")
    )
    expect(page.locator("main")).not_to_contain_text(NAME)
    person = read(live_server, lambda: db.session.get(Person, maria["person"]))
    assert person.erased_at is not None
    assert person.email != EMAIL
