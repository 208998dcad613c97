"""Issue 18's acceptance journey, in Chromium against the app served with its
background e-mail sender and a real SMTP server (aiosmtpd), with nothing but an
administrator to start from (as `flask create-user --role admin` leaves it): the
administrator creates a pact in two languages with three themes and invites its
official by e-mail; the official sets a password from the invitation, logs in,
imports 50 registrations from a workbook whose two bad rows are reported before
anything is written, approves 10 of them at once and enrols 5 in a workshop they
plan. Every step is what a person does on the pages: no service is called."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import func, select

from core.choices import RegistrationStatus
from extensions import db
from stakeholders.models import Organisation, Person
from stakeholders.services import create_staff
from tests.browser.accounts import (
    STAFF_HOME,
    accept_invitation,
    emailed_link,
    invite_staff,
    log_in,
    served_with_mail,
    submit,
)
from tests.browser.admin import create_pact_in_browser
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.imports import import_registrations, write_registrations_xlsx
from tests.browser.journey import Mailbox
from tests.conftest import PASSWORD
from workshops.models import Enrolment, Workshop

pytestmark = [pytest.mark.browser, pytest.mark.smtp]

ADMIN = "admin@judetul-calarasi.ro"
OFFICIAL = "ioana.marin@judetul-calarasi.ro"
OFFICIAL_PASSWORD = "parola Ioanei, destul de lungă"
SLUG = "calarasi"
THEMES = [
    {"ro": "Economie circulară", "en": "Circular economy"},
    {"ro": "Energie curată", "en": "Clean energy"},
    {"ro": "Apă și biodiversitate", "en": "Water and biodiversity"},
]


@pytest.fixture
def only_an_administrator(
    tmp_path: Path, smtp_server: tuple[str, int, Any]
) -> Iterator[tuple[LiveServer, Mailbox]]:
    """A new installation: no pact, one administrator; e-mail delivered to a real
    SMTP server."""

    def the_first_administrator() -> str:
        create_staff(ADMIN, "Radu Admin", "admin", PASSWORD, [])
        return ADMIN

    with served_with_mail(tmp_path, smtp_server, the_first_administrator) as served:
        yield served


def registrations_by_status(server: LiveServer) -> dict[str, int]:
    with server.app.app_context():
        rows = db.session.execute(
            select(Organisation.status, func.count()).group_by(Organisation.status)
        ).all()
        db.session.remove()
    return {str(status): int(count) for status, count in rows}


def enrolled_in(server: LiveServer, title: str) -> int:
    with server.app.app_context():
        count = db.session.scalar(
            select(func.count())
            .select_from(Enrolment)
            .join(Workshop, Workshop.id == Enrolment.workshop_id)
            .where(Workshop.title == title, Enrolment.status == "enrolled")
        )
        db.session.remove()
    return int(count or 0)


def approve_the_first(page: Page, server: LiveServer, count: int) -> None:
    """Tick `count` registrations of the pending list and approve them at once,
    confirming on the page that names them."""
    page.goto(server.url(f"/staff/p/{SLUG}/registrations?status=pending"))
    boxes = page.locator("input[name=ids][form=bulk]")
    for n in range(count):
        boxes.nth(n).check()
    submit(page, "#bulk")  # the first button: approve the selected
    expect(page.locator(".affected li")).to_have_count(count)
    submit(page, "main form.form")


def plan_workshop(page: Page, server: LiveServer, title: str) -> None:
    day = date.today() + timedelta(days=14)
    page.goto(server.url(f"/staff/p/{SLUG}/workshops/new"))
    page.locator("[name=title]").fill(title)
    page.locator("[name=starts_at]").fill(f"{day.isoformat()}T10:00")
    page.locator("[name=ends_at]").fill(f"{day.isoformat()}T13:00")
    page.locator("[name=place]").fill("Primăria Călărași")
    submit(page, "main form.form")
    expect(page.locator("form[action$='/enrol']")).to_be_visible()


def enrol_the_first(page: Page, count: int) -> None:
    boxes = page.locator("form[action$='/enrol'] input[type=checkbox]")
    for n in range(count):
        boxes.nth(n).check()
    submit(page, "form[action$='/enrol']")
    expect(page.locator(".flash--success")).to_be_visible()


def test_an_administrators_new_pact_is_filled_by_the_official_they_invited(
    browser: Browser,
    page: Page,
    tmp_path: Path,
    only_an_administrator: tuple[LiveServer, Mailbox],
):
    server, mailbox = only_an_administrator
    log_in(page, server.base_url, ADMIN, PASSWORD)
    create_pact_in_browser(
        page,
        server.base_url,
        SLUG,
        {"ro": "Pactul Verde Local Călărași", "en": "Călărași Local Green Pact"},
        ["ro", "en"],
        THEMES,
        territory="Județul Călărași",
    )
    register = page.context.new_page()
    register.goto(server.url(f"/p/{SLUG}/register?lang=en"))
    offered = register.locator("input[name=themes]").evaluate_all(
        "boxes => boxes.map(b => b.labels[0].innerText.trim())"
    )
    assert offered == [theme["en"] for theme in THEMES]
    register.close()

    invite_staff(page, server.base_url, SLUG, OFFICIAL, "Ioana Marin", "official")
    invitation = emailed_link(mailbox, OFFICIAL, "/invitation/")

    context = browser.new_context(locale="ro-RO")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        official = context.new_page()
        accept_invitation(official, server.url(invitation), OFFICIAL_PASSWORD)
        official.context.clear_cookies()
        log_in(official, server.base_url, OFFICIAL, OFFICIAL_PASSWORD)
        expect(official).to_have_url(STAFF_HOME)
        expect(official.locator("html")).to_have_attribute("lang", "ro")

        workbook = write_registrations_xlsx(
            tmp_path / "inscrieri.xlsx", 52, bad={8: "E-mail", 32: "Kind"}
        )

        def nothing_written_yet(problems: list[str]) -> None:
            assert len(problems) == 2, problems
            assert problems[0].startswith(("Row 9", "Rândul 9"))
            assert problems[1].startswith(("Row 33", "Rândul 33"))
            assert registrations_by_status(server) == {}

        outcome = import_registrations(
            official, server.base_url, SLUG, workbook, nothing_written_yet
        )
        assert outcome.summary.startswith("50")
        assert registrations_by_status(server) == {RegistrationStatus.PENDING: 50}

        approve_the_first(official, server, 10)
        assert registrations_by_status(server) == {
            RegistrationStatus.PENDING: 40,
            RegistrationStatus.APPROVED: 10,
        }

        plan_workshop(official, server, "Ambalaje circulare")
        enrol_the_first(official, 5)
        assert enrolled_in(server, "Ambalaje circulare") == 5
    finally:
        context.close()
    with server.app.app_context():
        invited = db.session.scalars(select(Person).where(Person.email == OFFICIAL))
        person = invited.one()
        assert person.is_official_of(person.pacts[0].id)
        assert [pact.slug for pact in person.pacts] == [SLUG]
        db.session.remove()
