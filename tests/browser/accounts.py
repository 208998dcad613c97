"""Reusable steps of the staff accounts in a real browser: logging in and out,
inviting a person to a pact's team, accepting an invitation, "Forgot your
password?" and choosing a new password from the e-mailed link; and the links of the
e-mails a real SMTP server (aiosmtpd) received. The steps find fields by name and
buttons by their form, so they work in every language of the site."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from core.mail import OutboxSender
from extensions import db
from tests.browser.conftest import LiveServer, served_in_a_thread
from tests.browser.journey import Mailbox, link_in
from tests.conftest import build_app, free_port

STAFF_HOME = re.compile(r"/staff/$")


@contextmanager
def served_with_mail(
    tmp_path: Path,
    smtp_server: tuple[str, int, Any],
    prepare: Callable[[], str],
) -> Iterator[tuple[LiveServer, Mailbox]]:
    """The app on a fresh SQLite file, filled by `prepare()` (in the app context;
    it returns the e-mail of the person the test starts as), served on a free port,
    its outbox delivered by the background sender to the real SMTP server."""
    host, smtp_port, inbox = smtp_server
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    app = build_app(
        f"sqlite:///{tmp_path / 'greenpact.sqlite3'}",
        PUBLIC_URL=base_url,
        MAIL_SERVER=host,
        MAIL_PORT=smtp_port,
    )
    with app.app_context():
        first = prepare()
        db.session.commit()
        db.session.remove()
    sender: OutboxSender = app.extensions["outbox_sender"]
    sender.start()
    try:
        with served_in_a_thread(app, port):
            yield LiveServer(base_url, app, first), Mailbox(inbox)
    finally:
        sender.stop()


def emailed_link(mailbox: Mailbox, address: str, path: str, count: int = 1) -> str:
    """The `path…` link of the `count`-th e-mail to `address`, once it arrived
    (its path and query, to open on the server under test)."""
    message = mailbox.wait(address, count)[count - 1]
    return link_in(message, path)


def submit(page: Page, form: str) -> None:
    """Press the submit button of the form matching the CSS selector `form` and
    wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(f"{form} button[type=submit]").first.click()


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    page.locator("[name=email]").first.fill(email)
    page.locator("[name=password]").fill(password)
    submit(page, "form:has([name=password])")


def log_out(page: Page) -> None:
    submit(page, "form[action='/logout']")
    expect(page).to_have_url(re.compile(r"/login"))


def invite_staff(
    page: Page,
    base_url: str,
    slug: str,
    email: str,
    name: str,
    role: str,
    language: str | None = None,
) -> None:
    """On the pact's team page (as one of its officials, or an administrator),
    invite `email` as `role` ("official" or "facilitator"); the invitation is in
    `language`, by default the pact's."""
    page.goto(f"{base_url}/staff/p/{slug}/team")
    form = "form[action$='/team/invite']"
    page.locator(f"{form} [name=name]").fill(name)
    page.locator(f"{form} [name=email]").fill(email)
    page.locator(f"{form} [name=role]").select_option(role)
    if language:
        page.locator(f"{form} [name=language]").select_option(language)
    submit(page, form)
    expect(page.locator(".flash--success")).to_be_visible()
    expect(page.locator("table.team")).to_contain_text(email)


def _choose_password(page: Page, password: str) -> None:
    page.locator("[name=password]").fill(password)
    page.locator("[name=confirm_password]").fill(password)
    submit(page, "form:has([name=confirm_password])")
    expect(page).to_have_url(STAFF_HOME)


def accept_invitation(page: Page, link: str, password: str) -> None:
    """Open the invitation link (a path on `page`'s server, or a whole URL), keep
    the name it offers and choose `password`: the person lands on the staff home."""
    page.goto(link)
    expect(page.locator("[name=name]")).not_to_have_value("")
    _choose_password(page, password)


def ask_for_password_reset(page: Page, base_url: str, email: str) -> None:
    """ "Forgot your password?" from the login page."""
    page.goto(f"{base_url}/login")
    with page.expect_navigation():
        page.locator("a[href='/login/forgot']").click()
    page.locator("[name=email]").fill(email)
    submit(page, "form[action='/login/forgot']")
    expect(page.locator(".flash")).to_be_visible()


def reset_password(page: Page, link: str, password: str) -> None:
    """Open the reset link and choose `password`: the person lands logged in."""
    page.goto(link)
    _choose_password(page, password)
