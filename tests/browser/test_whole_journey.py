"""The whole journey of issue 17 in Debian's Chromium, against a real `python app.py`
and a real SMTP server, nothing mocked (the stage: tests/browser/journey.py):

1. three SMEs register on the Torino pact in their Italian browsers, as people do
   (no language asked for);
2. the official logs in and approves them (receipts and approvals reach the SMTP
   server);
3. the official schedules a workshop and enrols two of the three;
4. each of the two opens the join link of the invitation the SMTP server received;
5. the facilitator runs every phase of the board with them: cards, a card clustered
   across columns, a commitment drafted (indicator, baseline, target, deadline),
   votes, the official's agreement, the signatures of the lead and the authority;
6. the official signs and publishes the pact;
7. the lead reports progress;
8. the public page shows the commitment and how far it has come.

Each key screen is saved as a PNG (see `journey.artefacts_folder`). Labels and
buttons are found by their accessible names, in Italian as the app's catalogue has
them (`journey.italian`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from core.time import today_in
from extensions import db
from stakeholders.models import Organisation
from tests.board.conftest import server_env, start_server, stop_server
from tests.browser.journey import (
    CHIARA,
    FACILITATOR,
    LUCIA,
    OFFICIAL,
    PAOLO,
    SLUG,
    Mailbox,
    Sme,
    Stage,
    Translate,
    artefacts_folder,
    commitment_row,
    flash,
    italian,
    link_in,
    log_in,
    pact,
    seed_torino,
    text_of,
)
from tests.browser.journey_board import (
    COMMITMENT,
    THEMES,
    Board,
    draft_and_vote,
    ideas_and_clusters,
    signatures,
    workshop_themes,
)
from tests.conftest import Inbox

pytestmark = [pytest.mark.browser, pytest.mark.smtp]

STAFF = f"/staff/p/{SLUG}"


TITLE = "Torino Local Green Pact"
WORKSHOP = "Economia circolare a San Salvario"
INTRODUCTION = (
    "La Città di Torino, le sue piccole e medie imprese e le associazioni del "
    "territorio si impegnano per un'economia locale più verde: meno rifiuti, "
    "energia più pulita, filiere più corte.\n\n"
    "Ogni impegno qui sotto è nato nei laboratori di co-creazione ed è firmato "
    "dalle organizzazioni che lo realizzano."
)


@pytest.fixture
def stage(
    browser: Browser, tmp_path: Path, smtp_server: tuple[str, int, Inbox]
) -> Iterator[Stage]:
    """The Torino pact served by `python app.py`, whose e-mail goes to the SMTP
    server of the test."""
    host, port, inbox = smtp_server
    database_url = f"sqlite:///{tmp_path / 'journey.sqlite3'}"
    app = seed_torino(database_url)
    env = server_env(
        database_url,
        MAIL_SERVER=host,
        MAIL_PORT=str(port),
        MAIL_DEFAULT_SENDER="Torino Green Pact <no-reply@torino.example>",
        EVIDENCE_FOLDER=str(tmp_path / "evidence"),
        DOCUMENT_CACHE_FOLDER=str(tmp_path / "cache"),
    )
    server = start_server(env, tmp_path / "server.log")
    staged = Stage(server, app, Mailbox(inbox), browser, artefacts_folder())
    try:
        yield staged
        assert staged.errors == [], staged.errors
    finally:
        staged.close()
        stop_server(server)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


# --- 1. registration ---------------------------------------------------------------


def register(page: Page, stage: Stage, it: Translate, sme: Sme) -> None:
    """Fill the public form as a person does, label by label, and consent."""
    page.get_by_label(it("Organisation name")).press_sequentially(sme.organisation)
    page.get_by_label(it("Kind of organisation")).select_option("sme")
    page.get_by_label(it("Size (employees)")).select_option(sme.size)
    page.get_by_label(it("Sector of activity (NACE)")).select_option(sme.sector)
    page.get_by_label(it("Locality")).fill("Torino")
    page.get_by_label(it("County / region")).fill("Piemonte")
    expect(page.get_by_label(it("Country"))).to_have_value("IT")
    page.get_by_label(it("Your name")).fill(sme.contact)
    page.get_by_label(it("Your position (optional)")).fill(sme.position)
    page.get_by_label(it("E-mail"), exact=True).fill(sme.address)
    page.get_by_label(it("Phone (optional)")).fill(sme.phone)
    page.get_by_role("checkbox", name=it(sme.service), exact=True).check()
    # The pact's themes are named by the pact, not by the catalogue.
    page.locator("input[name=themes][value=circular-economy]").check()
    page.get_by_label(it("What would you like to achieve? (optional)")).fill(
        sme.motivation
    )
    consent = page.get_by_role("checkbox", name=it("I agree"))
    consent.focus()
    page.keyboard.press("Space")
    expect(consent).to_be_checked()


def submit_registration(page: Page, stage: Stage, it: Translate, sme: Sme) -> None:
    page.get_by_role("button", name=it("Register"), exact=True).click()
    page.wait_for_url(re.compile(rf"/p/{SLUG}/registered$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        it("Thank you for registering!")
    )
    receipt = stage.mail.wait(sme.address, 1)[0]
    # In the language the form was filled in.
    assert it("Hello %(name)s,", name=sme.contact) in text_of(receipt)


def smes_register(stage: Stage, it: Translate) -> dict[str, Page]:
    pages = {}
    for step, sme in enumerate((LUCIA, PAOLO, CHIARA)):
        page = stage.person()
        page.goto(stage.url(f"/p/{SLUG}/register"))
        # Torino's default language, asked for by nothing in the address.
        expect(page.locator("html")).to_have_attribute("lang", "it")
        assert it("Register") != "Register"
        expect(page.get_by_role("heading", level=1)).to_have_text(
            it("Join %(pact)s", pact=TITLE)
        )
        register(page, stage, it, sme)
        if step == 0:
            stage.shot(page, 1, "register-form")
        submit_registration(page, stage, it, sme)
        pages[sme.contact] = page
    return pages


# --- 2. approval -------------------------------------------------------------------


def official_approves(page: Page, stage: Stage, it: Translate) -> None:
    log_in(page, stage, it, OFFICIAL[0])
    page.get_by_role("link", name=it("Registrations"), exact=True).click()
    page.wait_for_url(re.compile(rf"{STAFF}/registrations$"))
    for sme in (LUCIA, PAOLO, CHIARA):
        expect(page.get_by_role("link", name=sme.organisation)).to_be_visible()
    stage.shot(page, 2, "registrations")
    for sme in (LUCIA, PAOLO, CHIARA):
        page.get_by_role("link", name=sme.organisation).click()
        with page.expect_navigation():
            page.get_by_role("button", name=it("Approve"), exact=True).click()
        flash(page, it("Registration approved."))
        page.get_by_role("link", name=it("All registrations")).click()
    approved = it("Your registration for %(pact)s is approved", pact=TITLE)
    for sme in (LUCIA, PAOLO, CHIARA):
        receipt, approval = stage.mail.wait(sme.address, 2)
        assert receipt["Subject"] == it(
            "We received your registration for %(pact)s", pact=TITLE
        )
        assert approval["Subject"] == approved
    statuses = stage.read(lambda: set(db.session.scalars(select(Organisation.status))))
    assert statuses == {"approved"}


# --- 3. the workshop and its enrolment --------------------------------------------


def schedule_workshop(page: Page, stage: Stage, it: Translate) -> int:
    """Two weeks ahead, 9:30 to 12:30 in Torino, on two themes, with Marco as its
    facilitator."""
    day = stage.read(lambda: today_in(pact())) + timedelta(days=14)
    page.get_by_role("link", name=it("Workshops"), exact=True).click()
    page.get_by_role("link", name=it("New workshop")).click()
    page.get_by_label(it("Title"), exact=True).fill(WORKSHOP)
    page.get_by_label(it("Description (optional)")).fill(
        "Bar, negozi e associazioni del quartiere scrivono insieme i loro impegni "
        "per meno rifiuti."
    )
    page.get_by_label(it("Language of the workshop")).select_option("it")
    page.get_by_label(it("Starts")).fill(f"{day.isoformat()}T09:30")
    page.get_by_label(it("Ends")).fill(f"{day.isoformat()}T12:30")
    page.get_by_label(it("Place (optional)")).fill(
        "Casa del Quartiere di San Salvario, via Morgari 14, Torino"
    )
    page.get_by_label(it("Capacity (optional)")).fill("25")
    for theme in THEMES:
        page.locator(f"input[name=themes][value={theme}]").check()
    page.get_by_role("checkbox", name=FACILITATOR[1]).check()
    page.get_by_role("button", name=it("Schedule the workshop")).click()
    page.wait_for_url(re.compile(rf"{STAFF}/workshops/\d+$"))
    flash(page, it("The workshop is scheduled."))
    return int(page.url.rsplit("/", 1)[1])


def enrol_two_of_three(page: Page, stage: Stage, it: Translate) -> None:
    for sme in (LUCIA, PAOLO):
        page.get_by_label(f"{sme.contact} ({sme.organisation})").check()
    with page.expect_navigation():
        page.get_by_role("button", name=it("Enrol"), exact=True).click()
    flash(
        page,
        it(
            "%(enrolled)d enrolled, %(waitlisted)d on the waiting list.",
            enrolled=2,
            waitlisted=0,
        ),
    )
    enrolled = page.locator("section[aria-labelledby=enrolled-title] tbody tr")
    expect(enrolled).to_have_count(2)
    expect(enrolled.nth(0)).to_contain_text(LUCIA.contact)
    expect(enrolled.nth(1)).to_contain_text(PAOLO.contact)
    # Chiara was left out: she is still offered, and gets no invitation.
    expect(
        page.get_by_label(f"{CHIARA.contact} ({CHIARA.organisation})")
    ).to_be_visible()
    stage.shot(page, 3, "workshop")


def join_from_the_invitation(page: Page, stage: Stage, it: Translate, sme: Sme) -> None:
    """The participant opens the join link of the e-mail the SMTP server received."""
    invitation = stage.mail.wait(sme.address, 3)[2]
    assert invitation["Subject"] == it("Your invitation: %(title)s", title=WORKSHOP)
    page.goto(stage.url(link_in(invitation, "/w/")))
    page.wait_for_url(re.compile(r"/me$"))
    expect(page.get_by_role("heading", name=WORKSHOP)).to_be_visible()


def official_writes_the_document_and_agrees(
    page: Page, stage: Stage, it: Translate
) -> None:
    """Under Torino's rule the city signs every commitment; the official agrees the
    board's proposal, and its lead is e-mailed to sign it."""
    page.get_by_role("link", name=it("Staff area")).click()
    page.get_by_role("link", name=it("Commitments and publication")).click()
    page.get_by_role("link", name=it("The pact document")).click()
    # The first of each text is in the pact's default language.
    page.get_by_label(it("Introduction")).first.fill(INTRODUCTION)
    page.get_by_label(it("Governance")).first.fill(
        "Un tavolo di coordinamento della Città e delle imprese firmatarie si "
        "riunisce ogni sei mesi e legge i rapporti sui progressi."
    )
    page.get_by_label(it("Partners")).fill(
        "Città di Torino\nCamera di commercio di Torino (demo)"
    )
    page.get_by_label(it("Public authority that signs the pact")).fill(
        "Città di Torino"
    )
    page.get_by_label(it("The public authority signs every commitment")).check()
    page.get_by_role("button", name=it("Save the document")).click()
    flash(page, it("The pact document is saved."))

    with page.expect_navigation():
        # The visible label, then (for screen readers) which commitment.
        about = rf"^{re.escape(it('Mark agreed'))}\W+{re.escape(COMMITMENT)}$"
        page.get_by_role("button", name=re.compile(about)).click()
    flash(page, it("The commitment is agreed; its parties were asked to sign it."))
    to_sign = stage.mail.wait(LUCIA.address, 4)[3]
    assert "/me/link/" in link_in(to_sign, "/me/link/")
    assert commitment_row(stage).status == "agreed"


# --- 6 to 8. publication, progress and the public page --------------------------------


def official_publishes(page: Page, stage: Stage, it: Translate) -> None:
    page.get_by_role("link", name=it("Staff area")).click()
    page.get_by_role("link", name=it("Commitments and publication")).click()
    page.get_by_label(
        it("I sign this pact for the public authority and publish it.")
    ).check()
    stage.shot(page, 12, "sign-and-publish", at=page.locator("section.publish"))
    with page.expect_navigation():
        page.get_by_role("button", name=it("Sign and publish the pact")).click()
    flash(page, it("The pact is signed and published."))
    assert stage.read(lambda: pact().published_at) is not None


def lead_reports_progress(page: Page, stage: Stage, it: Translate) -> date:
    day = stage.read(lambda: today_in(pact()))
    page.get_by_role("link", name=it("My commitments")).click()
    commitment = page.get_by_role("article", name=COMMITMENT)
    commitment.get_by_text(it("Report progress")).click()
    commitment.get_by_label(it("Date of the value")).fill(day.isoformat())
    commitment.get_by_label(it("Value of the indicator")).fill("10")
    commitment.get_by_label(it("What happened")).fill(
        "I primi 10 bar di via Madama Cristina usano già le tazzine con cauzione."
    )
    commitment.get_by_label(it("Status of the commitment")).select_option(
        label=it("In progress")
    )
    stage.shot(page, 13, "progress", at=commitment)
    commitment.get_by_role("button", name=it("Send the report")).click()
    flash(page, it("Thank you: your progress report is recorded."))
    reported = commitment_row(stage)
    assert reported.status == "in progress"
    assert [(r.reported_on, r.value) for r in reported.reports] == [(day, 10.0)]
    return day


def the_public_sees_it(page: Page, stage: Stage, it: Translate, day: date) -> None:
    page.goto(stage.url(f"/p/{SLUG}"))
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("heading", name=COMMITMENT)).to_be_visible()
    main = page.get_by_role("main")
    expect(main).to_contain_text(LUCIA.organisation)
    # 0 → 10 of → 40 bars.
    expect(main).to_contain_text(
        it("%(percent)s%% of the way from baseline to target", percent=25)
    )
    stage.shot(page, 14, "public-pact", full_page=True)

    page.get_by_role("link", name=COMMITMENT).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(COMMITMENT)
    row = page.locator("table.reports tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(f'time[datetime="{day.isoformat()}"]')).to_be_visible()
    expect(page.locator("svg.line-chart__svg")).to_be_visible()
    stage.shot(page, 15, "public-commitment")


# --- the journey ---------------------------------------------------------------------


def test_an_sme_registers_in_italian_and_its_commitment_reaches_the_public_pact(
    stage: Stage,
) -> None:
    it = italian(stage.app)

    # 1. Three SMEs register, in their Italian browsers.
    smes = smes_register(stage, it)

    # 2. The official approves them.
    official = stage.person()
    official_approves(official, stage, it)

    # 3. ... schedules a workshop and enrols two of the three.
    schedule_workshop(official, stage, it)
    enrol_two_of_three(official, stage, it)

    # 4. Lucia and Paolo open their join links, each in their own browser.
    lucia, paolo = smes[LUCIA.contact], smes[PAOLO.contact]
    for page, sme in ((lucia, LUCIA), (paolo, PAOLO)):
        join_from_the_invitation(page, stage, it, sme)
    stage.shot(lucia, 4, "my-workshops")
    assert len(stage.mail.to(CHIARA.address)) == 2  # her receipt and approval only

    # 5. Marco runs the board, phase by phase.
    facilitator = stage.person()
    log_in(facilitator, stage, it, FACILITATOR[0])
    facilitator.get_by_role("link", name=it("Workshops"), exact=True).click()
    facilitator.get_by_role("link", name=WORKSHOP).click()
    board = Board(facilitator, lucia, paolo, workshop_themes(stage), it)
    for page in (facilitator, lucia, paolo):
        board.open(page)
    expect(facilitator.locator("#presence-count")).to_have_text("3")
    stage.shot(facilitator, 5, "board-lobby")
    ideas_and_clusters(board, stage)
    draft_and_vote(board, stage)
    official_writes_the_document_and_agrees(official, stage, it)
    official.get_by_role("link", name=it("Workshops"), exact=True).click()
    official.get_by_role("link", name=WORKSHOP).click()
    signatures(board, stage, official)

    # 6. The official signs and publishes the pact.
    official_publishes(official, stage, it)

    # 7. Lucia reports progress.
    day = lead_reports_progress(lucia, stage, it)

    # 8. Anyone reads the pact and the commitment's progress.
    the_public_sees_it(stage.person(), stage, it, day)
    stage.refresh_docs()
