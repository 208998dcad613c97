"""The stage of the whole-journey test (test_whole_journey.py): a real `python app.py`
(gevent, Socket.IO) on a SQLite file the Alembic migrations build, serving a pact
configured like the demo's Torino, which sends its e-mail to a real SMTP server
(aiosmtpd) through its background sender; the people of the journey, each in a
Chromium context of their own; their e-mail as the SMTP server received it; the
texts of the pages as the app's own Italian catalogue has them; and the
screenshots, one PNG per step, saved as test artefacts.

Nothing is mocked: the test only writes the pact and its staff through the services
(what an administrator does with `flask --app app create-pact` and
`create-user`) before the server starts."""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask
from flask_babel import force_locale, gettext
from flask_migrate import upgrade
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Locator,
    Page,
    ViewportSize,
    expect,
)
from sqlalchemy import select

from app import create_app
from commitments.models import Commitment
from core.choices import Role
from core.models import Pact
from core.pacts import create_pact
from extensions import db
from stakeholders.models import Organisation
from stakeholders.services import create_staff
from tests.board.conftest import (
    SECRET,
    Server,
)
from tests.browser.conftest import watched_page
from tests.conftest import PASSWORD, Inbox, wait_for

T = TypeVar("T")
REPO = Path(__file__).resolve().parents[2]
SLUG = "torino"
OFFICIAL = ("giulia.official@torino.example", "Giulia Bianchi")
FACILITATOR = ("marco.facilitator@torino.example", "Marco Gallo")
# The size of the screenshots (the README's pictures).
SCREEN: ViewportSize = {"width": 1280, "height": 800}
TIMEOUT_MS = 10_000
MAIL_TIMEOUT = 20.0

# The screenshots the README shows, refreshed in docs/ with GREENPACT_SCREENSHOTS=1.
DOCS = {
    "02-registrations.png": "registrations.png",
    "09-board-vote.png": "board.png",
    "13-progress.png": "progress.png",
}


def artefacts_folder() -> Path:
    """Where the screenshots go: $TEST_ARTIFACTS, or test-artifacts/journey/ at the
    top of the repository (ignored by git). The screenshots of an earlier run go."""
    folder = Path(os.environ.get("TEST_ARTIFACTS") or REPO / "test-artifacts/journey")
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("[0-9][0-9]-*.png"):
        old.unlink()
    return folder


def seed_torino(database_url: str) -> Flask:
    """The schema (migrations), the Torino pact and its official and facilitator;
    the app stays open for reading what the server committed."""
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET}
    )
    with app.app_context():
        try:
            upgrade()
            create_pact(
                SLUG,
                "Torino Local Green Pact",
                "Città di Torino",
                languages="it,en",
                country="IT",
                timezone="Europe/Rome",
            )
            for (address, name), role in (
                (OFFICIAL, Role.OFFICIAL),
                (FACILITATOR, Role.FACILITATOR),
            ):
                create_staff(address, name, role, PASSWORD, [SLUG])
        finally:
            db.session.remove()
    return app


@dataclass
class Mailbox:
    """What the SMTP server received, parsed."""

    inbox: Inbox

    def to(self, address: str) -> list[EmailMessage]:
        parsed = [
            email.message_from_bytes(envelope.content, policy=email.policy.default)
            for envelope in list(self.inbox.messages)
            if address in envelope.rcpt_tos
        ]
        return [m for m in parsed if isinstance(m, EmailMessage)]

    def wait(self, address: str, count: int) -> list[EmailMessage]:
        """The first `count` messages to `address`, once they have arrived."""
        wait_for(
            lambda: len(self.to(address)) >= count,
            f"{count} e-mail(s) to {address}",
            MAIL_TIMEOUT,
        )
        return self.to(address)[:count]


def text_of(message: EmailMessage) -> str:
    body = message.get_body(preferencelist=("plain",))
    assert body is not None, message["Subject"]
    return str(body.get_content())


def link_in(message: EmailMessage, path: str) -> str:
    """The first link in the message whose path starts with `path`."""
    found = re.search(rf"https?://[^\s/]+({re.escape(path)}[^\s]*)", text_of(message))
    assert found, f"no {path} link in {message['Subject']!r}"
    return found.group(1)


@dataclass
class Stage:
    """The served app, its mail, the Chromium contexts of the people in the journey
    (closed at the end; a script error on any page fails the test) and the
    screenshots."""

    server: Server
    app: Flask
    mail: Mailbox
    browser: Browser
    artefacts: Path
    contexts: list[BrowserContext] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def url(self, path: str) -> str:
        return self.server.url + path

    def person(self, locale: str = "it-IT") -> Page:
        """A new person at their own computer (an Italian one unless told)."""
        return watched_page(
            self.browser,
            self.contexts,
            self.errors,
            TIMEOUT_MS,
            locale=locale,
            timezone_id="Europe/Rome",
            viewport=SCREEN,
        )

    def shot(
        self,
        page: Page,
        step: int,
        name: str,
        at: Locator | None = None,
        full_page: bool = False,
    ) -> None:
        """The screen as the person sees it once the page has settled, scrolled to
        the top, or to put `at` at the top."""
        page.wait_for_load_state("networkidle")
        if at is None:
            page.evaluate("window.scrollTo(0, 0)")
        else:
            at.evaluate("element => element.scrollIntoView({block: 'start'})")
        path = self.artefacts / f"{step:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=full_page, animations="disabled")

    def refresh_docs(self) -> None:
        """Copy the README's screenshots into docs/, when asked to."""
        if os.environ.get("GREENPACT_SCREENSHOTS") != "1":
            return
        for artefact, picture in DOCS.items():
            shutil.copyfile(self.artefacts / artefact, REPO / "docs" / picture)

    def read(self, query: Callable[[], T]) -> T:
        """`query()` on what the server has committed."""
        with self.app.app_context():
            try:
                return query()
            finally:
                db.session.remove()

    def close(self) -> None:
        for context in self.contexts:
            context.close()


Translate = Callable[..., str]


def italian(app: Flask) -> Translate:
    """A text as the Italian pages show it, read from the app's own catalogue: the
    test names labels and buttons in English and finds them in Italian (while the
    catalogue is missing, the English text is what the pages show)."""

    def translate(text: str, **values: Any) -> str:
        with app.test_request_context(), force_locale("it"):
            return str(gettext(text, **values))

    return translate


def log_in(page: Page, stage: Stage, it: Translate, address: str) -> None:
    """A member of staff logs in with their e-mail and password."""
    page.goto(stage.url("/login"))
    # The first "E-mail" is the login form's; the second asks for a login link.
    page.get_by_label(it("E-mail"), exact=True).first.fill(address)
    page.get_by_label(it("Password"), exact=True).fill(PASSWORD)
    page.get_by_role("button", name=it("Log in"), exact=True).click()
    page.wait_for_url(re.compile(r"/staff/$"))


def flash(page: Page, text: str) -> None:
    expect(page.locator(".flash--success")).to_have_text(text)


# --- the people and what the server stored ---------------------------------------


@dataclass(frozen=True)
class Sme:
    organisation: str
    size: str
    sector: str
    contact: str
    position: str
    address: str
    phone: str
    service: str
    motivation: str


LUCIA = Sme(
    "Caffè Circolare S.n.c.",
    "micro",
    "I",
    "Lucia Ferrero",
    "Titolare",
    "lucia@caffecircolare.example",
    "347 123 4567",
    "Mentoring in innovation management",
    "Vogliamo togliere i bicchieri usa e getta dai bar del quartiere.",
)
PAOLO = Sme(
    "Riciclo Po S.r.l.",
    "small",
    "E",
    "Paolo Rinaldi",
    "Responsabile ambiente",
    "paolo@riciclopo.example",
    "011 561 2233",
    "Guidance on EU funding",
    "Cerchiamo partner per la raccolta differenziata dei locali.",
)
CHIARA = Sme(
    "Bici Sabauda S.r.l.",
    "micro",
    "H",
    "Chiara Conti",
    "Amministratrice",
    "chiara@bicisabauda.example",
    "349 765 4321",
    "Crowdfunding campaign support",
    "Consegne in cargo bike per i negozi del centro.",
)


def pact() -> Pact:
    found = db.session.scalars(select(Pact).where(Pact.slug == SLUG)).one()
    db.session.expunge(found)
    return found


def organisation_id(stage: Stage, sme: Sme) -> int:
    query = select(Organisation.id).where(Organisation.name == sme.organisation)
    return int(stage.read(lambda: db.session.scalars(query).one()))


def commitment_row(stage: Stage) -> Commitment:
    def query() -> Commitment:
        found = db.session.scalars(select(Commitment)).one()
        _ = (found.signatures, found.reports)
        db.session.expunge(found)
        return found

    return stage.read(query)
