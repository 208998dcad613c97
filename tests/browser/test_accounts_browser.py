"""Staff accounts in a real browser (Chromium, in Romanian) against the app served
with its background e-mail sender and a real SMTP server (aiosmtpd): an official
invites a new facilitator; the invitation e-mail's link, opened in another browser,
sets the password and lands on the staff home; later the facilitator uses "Forgot
your password?", the reset e-mail's link sets a new password, and it logs in."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from core.pacts import create_pact
from stakeholders.services import create_staff
from tests.browser.accounts import (
    STAFF_HOME,
    accept_invitation,
    ask_for_password_reset,
    emailed_link,
    invite_staff,
    log_in,
    log_out,
    reset_password,
    served_with_mail,
)
from tests.browser.conftest import TIMEOUT_MS, LiveServer
from tests.browser.journey import Mailbox
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.smtp]

OFFICIAL = "ana.official@ilfov.ro"
NEWCOMER = "dan.facilitator@ilfov.ro"


@pytest.fixture
def mailing_server(
    tmp_path: Path, smtp_server: tuple[str, int, Any]
) -> Iterator[tuple[LiveServer, Mailbox]]:
    """The app with the Ilfov pact and its official, its e-mail delivered to a real
    SMTP server."""

    def ilfov_and_its_official() -> str:
        create_pact(
            "ilfov", "Ilfov Local Green Pact", "Ilfov County", languages="ro,en"
        )
        create_staff(OFFICIAL, "Ana Ionescu", "official", PASSWORD, ["ilfov"])
        return OFFICIAL

    with served_with_mail(tmp_path, smtp_server, ilfov_and_its_official) as served:
        yield served


def test_an_invited_facilitator_sets_a_password_then_resets_it(
    browser: Browser, page: Page, mailing_server: tuple[LiveServer, Mailbox]
):
    server, mailbox = mailing_server
    log_in(page, server.base_url, OFFICIAL, PASSWORD)
    expect(page).to_have_url(STAFF_HOME)

    invite_staff(page, server.base_url, "ilfov", NEWCOMER, "Dan Popa", "facilitator")
    invitation = emailed_link(mailbox, NEWCOMER, "/invitation/")

    context = browser.new_context(locale="ro-RO")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        newcomer = context.new_page()
        accept_invitation(newcomer, server.url(invitation), "parola lui Dan, lungă")
        expect(newcomer.locator("h1")).to_contain_text("Dan Popa")
        log_out(newcomer)

        ask_for_password_reset(newcomer, server.base_url, NEWCOMER)
        reset = emailed_link(mailbox, NEWCOMER, "/password/reset/", count=2)
        reset_password(newcomer, server.url(reset), "o parolă nouă pentru Dan")
        log_out(newcomer)

        log_in(newcomer, server.base_url, NEWCOMER, "o parolă nouă pentru Dan")
        expect(newcomer).to_have_url(STAFF_HOME)
        log_out(newcomer)
        log_in(newcomer, server.base_url, NEWCOMER, "parola lui Dan, lungă")
        expect(newcomer).not_to_have_url(STAFF_HOME)
    finally:
        context.close()
