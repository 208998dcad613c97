"""The audit log in a real browser (Debian's Chromium, in Romanian): an official
approves a registration, then finds that approval in the pact's audit log through the
staff area's link and the filter form (action, staff member, the day), opens the
registration from the entry, and downloads the filtered log as CSV, a download the log
then records too."""

from __future__ import annotations

import csv
import io
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from core.audit import AuditAction, AuditEntry
from core.pacts import find_pact
from core.time import today_in
from extensions import db
from stakeholders.consent import CONSENT_VERSION
from stakeholders.models import Person
from stakeholders.services import register_organisation
from tests.browser.conftest import LiveServer
from tests.browser.test_workshop_browser import log_in_as_official
from tests.conftest import registration_data

pytestmark = pytest.mark.browser

CONSENT = {
    "version": CONSENT_VERSION,
    "language": "ro",
    "text": "consent text",
    "ip_address": "192.0.2.1",
}


def pending_registration(live_server: LiveServer) -> tuple[int, str]:
    """A pending registration of the pact, and today's date in its timezone."""
    with live_server.app.app_context():
        pact = find_pact("ilfov")
        assert pact is not None
        organisation = register_organisation(
            pact.id,
            registration_data(organisation_name="Verde Ambalaje SRL"),
            CONSENT,
            notify=False,
        )["organisation"]
        today = today_in(pact).isoformat()
        db.session.remove()
    return int(organisation), today


def entries(live_server: LiveServer) -> list[tuple[str, int | None]]:
    with live_server.app.app_context():
        found = db.session.execute(
            select(AuditEntry.action, AuditEntry.subject_id).order_by(AuditEntry.id)
        ).all()
        db.session.remove()
    return [(str(action), subject) for action, subject in found]


def test_an_official_finds_an_approval_in_the_audit_log_and_downloads_it(
    page: Page, live_server: LiveServer
):
    organisation, today = pending_registration(live_server)
    log_in_as_official(page, live_server)

    page.goto(live_server.url(f"/staff/p/ilfov/registrations/{organisation}"))
    page.get_by_role("button", name="Aprobă").click()
    expect(page.get_by_text("Înregistrarea a fost aprobată.")).to_be_visible()

    page.goto(live_server.url("/staff/"))
    page.get_by_role("link", name="Jurnal de audit").click()
    page.wait_for_url(re.compile(r"/staff/p/ilfov/audit$"))
    rows = page.locator("table.audit tbody tr")
    # Logging in left an entry too; the filters leave the approval alone.
    expect(rows).to_have_count(2)

    filters = page.locator("form.filters")
    filters.locator("[name=action]").select_option(label="A aprobat o înregistrare")
    filters.locator("[name=actor]").select_option(label="Ana Ionescu")
    filters.locator("[name=since]").fill(today)
    filters.locator("[name=until]").fill(today)
    filters.get_by_role("button", name="Filtrează").click()
    page.wait_for_url(re.compile(r"action=approve"))

    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Ana Ionescu")
    expect(rows.first).to_contain_text("A aprobat o înregistrare")
    expect(page.locator("p.summary")).to_contain_text("1 înregistrare")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV, pentru alte programe").click()
    download = download_info.value
    text = download.path().read_text(encoding="utf-8-sig")
    [row] = list(csv.DictReader(io.StringIO(text)))
    assert (row["action"], row["subject_id"], row["actor"]) == (
        "approve",
        str(organisation),
        "Ana Ionescu",
    )

    rows.first.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/registrations/{organisation}$"))
    expect(page.get_by_text("Verde Ambalaje SRL").first).to_be_visible()
    assert entries(live_server) == [
        (AuditAction.LOG_IN, official_id(live_server)),
        (AuditAction.APPROVE, organisation),
        (AuditAction.EXPORT, pact_id(live_server)),
    ]


def official_id(live_server: LiveServer) -> int:
    with live_server.app.app_context():
        found = db.session.scalar(
            select(Person.id).where(Person.email == live_server.official_email)
        )
        db.session.remove()
    assert found is not None
    return int(found)


def pact_id(live_server: LiveServer) -> int:
    with live_server.app.app_context():
        pact = find_pact("ilfov")
        assert pact is not None
        found = pact.id
        db.session.remove()
    return found
