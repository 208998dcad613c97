"""The pact's forms in a real browser, as the people who use them do: the official
writes the pact document, adds a commitment outside a workshop (a decimal comma in
its target), edits it and marks it agreed; the lead's contact opens their personal
link on a phone and signs it, which under the pact's rule is not enough until the
official signs it for the public authority; the official publishes the pact; the
lead reports progress, which the public pages show; and a refused submission stores
nothing.

The pages answer in Romanian (the browser asks for ro-RO); the test names the labels
and buttons in English and reads them through the app's own catalogue (`ro`), so a
translation that drifts does not make the test lie."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any, TypeVar

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import ConsoleMessage, Locator, Page, expect
from sqlalchemy import func, select

from commitments.models import Commitment, CommitmentRevision
from core.models import Pact
from core.time import today_in
from extensions import db
from pacts.models import ProgressReport
from stakeholders.services import find_staff
from tests.browser.conftest import LiveServer, fits_the_screen
from tests.pacts.factories import (
    Party,
    approved_party,
    link_path,
    load_pact,
    write_document,
)

pytestmark = pytest.mark.browser

T = TypeVar("T")
Ro = Callable[..., str]

COMPILE = "/staff/p/ilfov/pact"
TITLE = "Lăzi reutilizabile pentru legume și fructe"
INTRODUCTION = (
    "Județul Ilfov și firmele sale își asumă o economie verde.\n\n"
    "Angajamentele de mai jos au fost semnate de organizațiile care le duc la capăt."
)
GOVERNANCE = "Un grup de coordonare se reunește de două ori pe an."
PARTNERS = "Consiliul Județean Ilfov\nCamera de Comerț Ilfov"
AUTHORITY = "Consiliul Județean Ilfov"


# --- helpers -------------------------------------------------------------------------


@pytest.fixture
def ro(live_server: LiveServer) -> Ro:
    """A text of the catalogue as the Romanian pages show it."""

    def translate(text: str, **values: Any) -> str:
        with live_server.app.test_request_context(), force_locale("ro"):
            return str(gettext(text, **values))

    return translate


def read(live_server: LiveServer, query: Callable[[], T]) -> T:
    """`query()` on what the server has committed, in a session of its own."""
    with live_server.app.app_context():
        try:
            return query()
        finally:
            db.session.remove()


def the_pact() -> Pact:
    return load_pact("ilfov")


def watch(page: Page) -> list[str]:
    """The page's script errors and failed requests (the favicon's included)."""
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(f"{message.text} ({message.location['url']})")

    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", console)
    return errors


def log_in(page: Page, live_server: LiveServer, ro: Ro) -> None:
    page.goto(live_server.url("/login"))
    page.locator("#email").fill(live_server.official_email)
    page.get_by_label(ro("Password")).fill(live_server.official_password)
    page.get_by_role("button", name=ro("Log in"), exact=True).click()
    page.wait_for_url(re.compile(r"/staff/$"))


def texts_in(page: Page, ro: Ro, language: str, default: bool = False) -> Locator:
    """The document form's group of texts in one of the pact's languages."""
    legend = (
        "Texts in %(language)s (the pact's default language)"
        if default
        else "Texts in %(language)s (optional)"
    )
    return page.get_by_role("group", name=ro(legend, language=language), exact=True)


def flash(page: Page, text: str) -> None:
    expect(page.locator(".flash--success")).to_have_text(text)


# --- the pact document ---------------------------------------------------------------


def test_official_writes_the_pact_document_and_the_authority_signs_every_commitment(
    page: Page, live_server: LiveServer, ro: Ro
) -> None:
    errors = watch(page)
    log_in(page, live_server, ro)
    page.goto(live_server.url(COMPILE))
    page.get_by_role("link", name=ro("The pact document")).click()
    page.wait_for_url(re.compile(r"/pact/document$"))

    romanian = texts_in(page, ro, "Română", default=True)
    english = texts_in(page, ro, "English")
    romanian.get_by_label(ro("Title"), exact=True).fill("Pactul Verde Local Ilfov")
    romanian.get_by_label(ro("Introduction")).fill(INTRODUCTION)
    romanian.get_by_label(ro("Governance")).fill(GOVERNANCE)
    english.get_by_label(ro("Title"), exact=True).fill("Ilfov Local Green Pact")
    english.get_by_label(ro("Energy efficiency and renewables")).fill("Clean energy")
    page.get_by_label(ro("Partners")).fill(PARTNERS)
    page.get_by_label(ro("Public authority that signs the pact")).fill(AUTHORITY)
    page.get_by_label(ro("Progress reports are due")).select_option(
        label=ro("Twice a year")
    )
    page.get_by_label(ro("Licence of the open data")).select_option(
        label=ro("Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)")
    )
    signs = page.get_by_label(ro("The public authority signs every commitment"))
    expect(signs).not_to_be_checked()
    signs.check()
    page.get_by_role("button", name=ro("Save the document")).click()

    page.wait_for_url(re.compile(r"/staff/p/ilfov/pact$"))
    flash(page, ro("The pact document is saved."))
    pact = read(live_server, the_pact)
    assert pact.authority_signs_commitments is True
    texts = read(
        live_server,
        lambda: [
            the_pact().text("title", "ro"),
            the_pact().text("title", "en"),
            the_pact().text("introduction", "en"),  # not given in English
            the_pact().given_text("theme:energy", "en"),
        ],
    )
    assert texts == [
        "Pactul Verde Local Ilfov",
        "Ilfov Local Green Pact",
        INTRODUCTION,
        "Clean energy",
    ]
    assert pact.introduction == INTRODUCTION
    assert pact.governance == GOVERNANCE
    assert pact.partners == PARTNERS
    assert pact.authority_name == AUTHORITY
    assert pact.report_frequency == "half-yearly"
    assert pact.licence == "CC-BY-SA-4.0"

    page.get_by_role("link", name=ro("The pact document")).click()
    page.wait_for_url(re.compile(r"/pact/document$"))
    expect(
        page.get_by_label(ro("The public authority signs every commitment"))
    ).to_be_checked()
    romanian = texts_in(page, ro, "Română", default=True)
    expect(romanian.get_by_label(ro("Introduction"))).to_have_value(INTRODUCTION)
    expect(
        texts_in(page, ro, "English").get_by_label(ro("Title"), exact=True)
    ).to_have_value("Ilfov Local Green Pact")
    expect(page.get_by_label(ro("Partners"))).to_have_value(PARTNERS)
    expect(page.get_by_label(ro("Public authority that signs the pact"))).to_have_value(
        AUTHORITY
    )
    assert errors == []


def test_document_with_a_too_long_partner_line_is_refused_and_nothing_is_stored(
    page: Page, live_server: LiveServer, ro: Ro
) -> None:
    log_in(page, live_server, ro)
    page.goto(live_server.url(f"{COMPILE}/document"))
    romanian = texts_in(page, ro, "Română", default=True)
    romanian.get_by_label(ro("Title"), exact=True).fill("Pactul Verde Local Ilfov")
    romanian.get_by_label(ro("Introduction")).fill(INTRODUCTION)
    page.get_by_label(ro("Partners")).fill("Consiliul Județean Ilfov\n" + "A" * 201)
    page.get_by_label(ro("The public authority signs every commitment")).check()
    page.get_by_role("button", name=ro("Save the document")).click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(ro("Please correct the following:"))
    message = ro(
        "Please use at most %(max)d characters for each partner's name.", max=200
    )
    expect(summary.get_by_role("link")).to_have_text(f"{ro('Partners')}: {message}")
    expect(page.locator("#partners-error")).to_have_text(message)
    # What was typed comes back, to be corrected.
    romanian = texts_in(page, ro, "Română", default=True)
    expect(romanian.get_by_label(ro("Introduction"))).to_have_value(INTRODUCTION)
    pact = read(live_server, the_pact)
    assert pact.introduction == ""
    assert pact.partners == ""
    assert pact.authority_signs_commitments is False


# --- a commitment, from the add form to its progress on the public page --------------


def seed_parties(
    live_server: LiveServer, make_registration: Callable[..., dict[str, Any]]
) -> tuple[Party, Party]:
    """A lead and a co-signer, approved, and a pact document under which the public
    authority signs every commitment."""
    with live_server.app.app_context():
        official = find_staff(live_server.official_email)
        assert official is not None
        write_document(
            official.id,
            the_pact().id,
            authority_name=AUTHORITY,
            authority_signs_commitments=True,
        )
        lead = approved_party(make_registration, "EcoPack Ambalaje SRL", language="ro")
        co_signer = approved_party(
            make_registration, "Verde Logistic SRL", language="ro"
        )
        db.session.remove()
    return lead, co_signer


def fill_commitment_form(page: Page, ro: Ro, title: str) -> None:
    """The add form, every field typed as a Romanian official would (a decimal
    comma in the target)."""
    page.get_by_label(ro("Title"), exact=True).fill(title)
    page.get_by_label(ro("What will be done")).fill(
        "Înlocuim cutiile de unică folosință cu lăzi returnabile, cu garanție."
    )
    page.get_by_label(ro("Theme")).select_option(label=ro("Circular economy"))
    page.get_by_label(ro("Deadline")).fill("2030-12-31")
    page.get_by_label(ro("Lead organisation")).select_option(
        label="EcoPack Ambalaje SRL"
    )
    page.get_by_role("checkbox", name="Verde Logistic SRL").check()
    page.get_by_label(ro("Indicator"), exact=True).fill(
        "Cutii de unică folosință evitate"
    )
    page.get_by_label(ro("Unit"), exact=True).fill("mii de cutii")
    page.get_by_label(ro("Baseline")).fill("0")
    page.get_by_label(ro("Target")).fill("12,5")
    page.get_by_label(ro("Support requested from the authority")).fill(
        "Un depozit în parcul logistic al județului."
    )
    page.get_by_label(ro("Support promised by the authority")).fill(
        "Spațiu la depozitul din Otopeni."
    )


def add_commitment_through_the_form(page: Page, ro: Ro) -> int:
    page.get_by_role("link", name=ro("Add a commitment")).click()
    page.wait_for_url(re.compile(r"/commitments/new$"))
    fill_commitment_form(page, ro, TITLE)
    page.get_by_role("button", name=ro("Add the commitment")).click()

    page.wait_for_url(re.compile(r"/staff/p/ilfov/pact/commitments/\d+$"))
    flash(page, ro("The commitment is added as a draft."))
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    return int(page.url.rsplit("/", 1)[1])


def change_the_target(page: Page, ro: Ro) -> None:
    page.get_by_role("link", name=ro("Edit"), exact=True).click()
    page.wait_for_url(re.compile(r"/edit$"))
    target = page.get_by_label(ro("Target"))
    expect(target).to_have_value("12.5")
    target.fill("15,75")
    page.get_by_role("button", name=ro("Save the commitment")).click()
    page.wait_for_url(re.compile(r"/commitments/\d+$"))
    flash(page, ro("The commitment is saved."))


def press(page: Page, button: str, done: str) -> None:
    """A button of the commitment's page (a POST that comes back to it)."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    flash(page, done)


def load(commitment_id: int) -> Callable[[], Commitment]:
    def query() -> Commitment:
        found = db.session.get(Commitment, commitment_id)
        assert found is not None
        # Read what the assertions need before the session closes.
        _ = (found.co_signers, found.signatures, found.lead_organisation)
        return found

    return query


def test_commitment_is_added_edited_agreed_signed_published_and_reported(
    page: Page,
    phone: Page,
    live_server: LiveServer,
    ro: Ro,
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    lead, co_signer = seed_parties(live_server, make_registration)
    official_errors, member_errors = watch(page), watch(phone)
    log_in(page, live_server, ro)
    page.goto(live_server.url(COMPILE))

    # 2. The official adds a commitment outside a workshop, with a decimal comma.
    commitment_id = add_commitment_through_the_form(page, ro)
    added = read(live_server, load(commitment_id))
    assert added.title == TITLE
    assert added.status == "draft"
    assert added.board_id is None
    assert added.lead_organisation_id == lead.organisation
    assert [org.id for org in added.co_signers] == [co_signer.organisation]
    assert added.indicator_baseline == 0.0
    assert added.indicator_target == 12.5
    assert added.deadline == date(2030, 12, 31)
    assert added.support_promised == "Spațiu la depozitul din Otopeni."

    # ... edits its target; the history shows the change.
    change_the_target(page, ro)
    history = page.locator("table.history")
    expect(history).to_have_count(1)
    change = history.get_by_role("row").filter(has_text=ro("Target"))
    expect(change.locator("del")).to_have_text("12,5")
    expect(change.locator("ins")).to_have_text("15,75")
    edited = read(live_server, load(commitment_id))
    assert edited.indicator_target == 15.75
    assert edited.version == 2
    revisions = select(func.count()).where(
        CommitmentRevision.commitment_id == commitment_id
    )
    assert read(live_server, lambda: db.session.scalar(revisions)) == 1

    # ... marks it agreed.
    press(
        page,
        ro("Mark agreed"),
        ro("The commitment is agreed; its parties were asked to sign it."),
    )
    expect(page.locator(".status--agreed").first).to_have_text(ro("Agreed"))
    assert read(live_server, load(commitment_id)).status == "agreed"
    # 3. The lead's contact opens their personal link on a phone and signs.
    link = read(live_server, lambda: link_path(lead.person))
    phone.goto(live_server.url(link))
    phone.wait_for_url(re.compile(r"/me/commitments$"))
    expect(phone.get_by_role("heading", level=1)).to_contain_text(ro("My commitments"))
    card = phone.get_by_role("article", name=TITLE)
    expect(card).to_be_visible()
    expect(card).to_contain_text(ro("Agreed"))
    expect(card).to_contain_text("0 → 15,75 mii de cutii")
    sign = card.get_by_role(
        "button", name=ro("Sign for %(organisation)s", organisation=lead.name)
    )
    expect(sign).to_be_visible()
    assert fits_the_screen(phone)
    sign.click()
    phone.wait_for_url(re.compile(rf"/me/commitments#commitment-{commitment_id}$"))
    flash(phone, ro("Signed for %(organisation)s. Thank you!", organisation=lead.name))
    card = phone.get_by_role("article", name=TITLE)
    expect(card.get_by_role("button", name=re.compile(ro("Sign")))).to_have_count(0)
    lead_signed = read(live_server, load(commitment_id))
    assert [(s.authority, s.organisation_id) for s in lead_signed.signatures] == [
        (False, lead.organisation)
    ]
    # The pact's rule: without the authority's signature it is not signed yet.
    assert lead_signed.status == "agreed"

    # ... and the official signs it for the public authority: now it is signed.
    page.reload()
    press(
        page,
        ro("Sign for the authority"),
        ro("You signed the commitment for the public authority."),
    )
    expect(page.get_by_role("button", name=ro("Sign for the authority"))).to_have_count(
        0
    )

    expect(page.locator(".status--signed").first).to_have_text(ro("Signed"))
    signed = read(live_server, load(commitment_id))
    assert signed.status == "signed"
    assert sorted(
        (s.authority, s.organisation_id, s.commitment_version)
        for s in signed.signatures
    ) == [(False, lead.organisation, 2), (True, None, 2)]

    # 4. The official publishes the pact; the public page shows the commitment.
    page.goto(live_server.url(COMPILE))
    page.get_by_label(
        ro("I sign this pact for the public authority and publish it.")
    ).check()
    with page.expect_navigation():
        page.get_by_role("button", name=ro("Sign and publish the pact")).click()
    flash(page, ro("The pact is signed and published."))
    assert read(live_server, lambda: the_pact().published_at) is not None
    page.goto(live_server.url("/p/ilfov"))
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()

    # 5. The lead reports progress on /me/commitments; the public page shows it.
    phone.goto(live_server.url("/me/commitments"))
    card = phone.get_by_role("article", name=TITLE)
    card.get_by_text(ro("Report progress")).click()
    day = read(live_server, lambda: today_in(the_pact())) - timedelta(days=1)
    card.get_by_label(ro("Date of the value")).fill(day.isoformat())
    card.get_by_label(ro("Value of the indicator")).fill("3,5")
    card.get_by_label(ro("What happened")).fill(
        "Primii 12 clienți folosesc deja lăzile returnabile."
    )
    card.get_by_label(ro("Status of the commitment")).select_option(label=ro("At risk"))
    assert fits_the_screen(phone)
    card.get_by_role("button", name=ro("Send the report")).click()
    phone.wait_for_url(re.compile(rf"/me/commitments#commitment-{commitment_id}$"))
    flash(phone, ro("Thank you: your progress report is recorded."))
    reports = select(ProgressReport).where(
        ProgressReport.commitment_id == commitment_id
    )
    stored = read(live_server, lambda: list(db.session.scalars(reports)))
    assert [(r.reported_on, r.value, r.status) for r in stored] == [
        (day, 3.5, "at risk")
    ]
    assert read(live_server, load(commitment_id)).status == "at risk"

    page.goto(live_server.url(f"/p/ilfov/commitments/{commitment_id}"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    row = page.locator("table.reports tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator(f'time[datetime="{day.isoformat()}"]')).to_be_visible()
    expect(row.locator("td.number")).to_have_text("3,5")
    expect(row).to_contain_text("Primii 12 clienți folosesc deja lăzile returnabile.")
    expect(row.locator(".status--at-risk")).to_have_text(ro("At risk"))
    assert official_errors + member_errors == []


def test_commitment_without_a_title_is_refused_and_nothing_is_stored(
    page: Page,
    live_server: LiveServer,
    ro: Ro,
    make_registration: Callable[..., dict[str, Any]],
) -> None:
    seed_parties(live_server, make_registration)
    log_in(page, live_server, ro)
    page.goto(live_server.url(f"{COMPILE}/commitments/new"))
    fill_commitment_form(page, ro, title="   ")
    page.get_by_role("button", name=ro("Add the commitment")).click()

    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text(ro("Please correct the following:"))
    # The title alone is refused; everything else typed comes back as it was.
    expect(summary.get_by_role("link")).to_have_text(
        f"{ro('Title')}: {ro('This field is required.')}"
    )
    expect(page.get_by_label(ro("Title"), exact=True)).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.get_by_label(ro("Target"))).to_have_value("12,5")
    expect(page.get_by_role("checkbox", name="Verde Logistic SRL")).to_be_checked()
    count = select(func.count()).select_from(Commitment)
    assert read(live_server, lambda: db.session.scalar(count)) == 0
