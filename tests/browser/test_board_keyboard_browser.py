"""The live board without a mouse: a facilitator and a participant, pressing keys only
(Tab, Enter, Space, arrows, typing; never a click), run a workshop from the lobby to
signing: the participant writes, edits, moves and deletes cards, the facilitator
clusters and merges, the participant drafts a commitment, votes (and takes one back)
and signs.
After each step focus is where the person can go on, the other page shows the outcome
and its live region said what the other person did."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from commitments.models import Commitment, Signature
from extensions import db
from tests.board.conftest import BoardSetup
from tests.browser.conftest import LiveBoardServer, Pages, column
from workshops.models import Card

pytestmark = pytest.mark.browser

MAX_TABS = 250


def tab_to(page: Page, selector: str) -> None:
    """Press Tab until the focused element matches `selector` (reading where focus
    is, never moving it by script)."""
    for _ in range(MAX_TABS):
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    pytest.fail(f"{selector} was not reached with {MAX_TABS} presses of Tab")


def set_phase(facilitator: Page, name: str) -> None:
    """The facilitator picks the next phase in the list with the arrow key."""
    tab_to(facilitator, "#phase-select")
    facilitator.keyboard.press("ArrowDown")
    expect(facilitator.locator("#phase-select option:checked")).to_have_text(name)
    facilitator.keyboard.press("Tab")
    expect(facilitator.get_by_role("button", name="Set phase")).to_be_focused()
    facilitator.keyboard.press("Enter")
    expect(facilitator.locator("#board-phase-name")).to_have_text(name)


def announcer(page: Page) -> Locator:
    return page.locator("#board-announcer")


def card_id(live: LiveBoardServer, setup: BoardSetup, text: str) -> int:
    query = select(Card.id).where(Card.board_id == setup.board, Card.text == text)
    return live.read(lambda: int(db.session.scalars(query).one()))


CLEAR_DATE = ["ArrowLeft", "ArrowLeft"] + ["Backspace", "ArrowRight"] * 3
CLEAR_DATE += ["ArrowLeft", "ArrowLeft"]


def type_date(page: Page, iso: str) -> None:
    """Type a date into the focused date field, in the order of its segments (the
    browser's own locale decides it): month first, else day first, else year first."""
    year, month, day = iso.split("-")
    for digits in (month + day + year, day + month + year, year + month + day):
        page.keyboard.type(digits)
        if page.evaluate("document.activeElement.value") == iso:
            return
        for key in CLEAR_DATE:
            page.keyboard.press(key)
    pytest.fail(f"could not type {iso} into the date field")


def write_card(page: Page, setup: BoardSetup, theme: int, text: str) -> None:
    tab_to(page, f"#new-card-{setup.themes[theme]}")
    page.keyboard.type(text)
    page.keyboard.press("Tab")  # the kind: an idea, as it is
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Add card")
    page.keyboard.press("Enter")
    expect(page.locator("[data-card] > .card__body", has_text=text)).to_be_visible()


def test_a_workshop_runs_from_ideas_to_signing_by_keyboard_only(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("lobby")
    facilitator = pages.official(setup)
    alice = pages.participant(setup, 0)
    themes = setup.themes

    set_phase(facilitator, "Ideas")
    expect(alice.locator("#board-phase-name")).to_have_text("Ideas")
    expect(announcer(alice)).to_contain_text("Ideas:")

    # Ideas: write a card (focus goes to it), edit it, move it to the second theme.
    write_card(alice, setup, 0, "Reusable crates")
    crates = card_id(live, setup, "Reusable crates")
    expect(alice.locator(f"#card-{crates} > .card__body")).to_be_focused()
    expect(alice.locator(f"#card-{crates}")).to_contain_text("Your card")
    expect(announcer(facilitator)).to_contain_text("New card from")

    tab_to(alice, f'#card-{crates} [data-action="edit"]')
    alice.keyboard.press("Enter")
    editor = alice.locator(f"#card-{crates}-edit")
    expect(editor).to_be_focused()
    alice.keyboard.press("End")
    alice.keyboard.type(" between the bakeries")
    alice.keyboard.press("Control+Enter")
    expect(alice.locator(f'#card-{crates} [data-action="edit"]')).to_be_focused()
    expect(facilitator.locator(f"#card-{crates}-text")).to_have_text(
        "Reusable crates between the bakeries"
    )
    expect(announcer(facilitator)).to_contain_text(f"changed card {crates}")

    move = alice.locator(f'#card-{crates} [data-action="move"]')
    tab_to(alice, f'#card-{crates} [data-action="move"]')
    alice.keyboard.press("Enter")
    dialog = alice.get_by_role("dialog", name="Move a card to another theme")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Theme")).to_be_focused()
    alice.keyboard.press("ArrowDown")
    alice.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Move")).to_be_focused()
    alice.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(column(alice, setup, 1).locator(f"#card-{crates}")).to_be_visible()
    expect(move).to_be_focused()
    expect(column(facilitator, setup, 1).locator(f"#card-{crates}")).to_be_visible()
    theme_name = facilitator.locator(f"#theme-{themes[1]}-title").inner_text()
    moved = f"Card {crates} is now in {theme_name}."
    expect(announcer(alice)).to_contain_text(moved)
    expect(announcer(facilitator)).to_contain_text(moved)
    assert live.read(lambda: db.session.get_one(Card, crates).theme_id) == themes[1]

    write_card(alice, setup, 0, "A card with a tpyo")
    typo = card_id(live, setup, "A card with a tpyo")
    tab_to(alice, f'#card-{typo} [data-action="delete"]')
    alice.keyboard.press("Enter")
    confirm = alice.get_by_role("dialog", name="Delete this card?")
    expect(confirm.get_by_role("button", name="Delete")).to_be_focused()
    alice.keyboard.press("Enter")
    expect(facilitator.locator(f"#card-{typo}")).to_have_count(0)
    expect(alice.locator(f"#card-{typo}")).to_have_count(0)
    expect(alice.locator(f"#theme-{themes[0]}-title")).to_be_focused()
    expect(announcer(facilitator)).to_contain_text(f"Card {typo} was deleted by")

    write_card(alice, setup, 1, "Shared delivery vans")
    vans = card_id(live, setup, "Shared delivery vans")
    expect(alice.locator(f"#card-{vans} > .card__body")).to_be_focused()
    write_card(alice, setup, 1, "Crates that come back")
    again = card_id(live, setup, "Crates that come back")

    # Clustering: the facilitator picks the vans and clusters them with the crates.
    set_phase(facilitator, "Clustering")
    expect(announcer(alice)).to_contain_text("Clustering:")
    tab_to(facilitator, f'#card-{vans} [data-action="pick"]')
    facilitator.keyboard.press("Enter")
    expect(facilitator.locator(":focus")).to_have_attribute("aria-pressed", "true")
    tab_to(facilitator, f'#card-{crates} [data-action="cluster-here"]')
    facilitator.keyboard.press("Enter")
    expect(facilitator.locator(f"#card-{crates} > .card__body")).to_be_focused()
    expect(alice.locator(f"#card-{crates} .card__cluster #card-{vans}")).to_be_visible()
    assert live.read(lambda: db.session.get_one(Card, vans).cluster_id) == crates

    tab_to(facilitator, f'#card-{again} [data-action="pick"]')
    facilitator.keyboard.press("Space")
    tab_to(facilitator, f'#card-{crates} [data-action="merge-here"]')
    facilitator.keyboard.press("Enter")
    expect(facilitator.locator(f"#card-{crates} > .card__body")).to_be_focused()
    expect(facilitator.locator(f"#card-{crates} > .card__body")).to_contain_text(
        "1 merged"
    )
    expect(announcer(facilitator)).to_contain_text(f"Merged into card {crates}")
    expect(alice.locator(f"#card-{again}")).to_have_count(0)
    assert live.read(lambda: db.session.get_one(Card, again).merged_into_id) == crates

    # Drafting: the participant fills in the commitment form.
    set_phase(facilitator, "Drafting commitments")
    tab_to(alice, "#commitment-title")
    alice.keyboard.type("Reusable crates for 20 bakeries")
    alice.keyboard.press("Tab")
    alice.keyboard.type("Crates instead of cardboard")
    tab_to(alice, "#commitment-indicator-name")
    alice.keyboard.type("Packaging waste")
    alice.keyboard.press("Tab")
    alice.keyboard.type("t")
    alice.keyboard.press("Tab")
    alice.keyboard.type("120")
    alice.keyboard.press("Tab")
    alice.keyboard.type("80")
    alice.keyboard.press("Tab")
    expect(alice.locator("#commitment-deadline")).to_be_focused()
    type_date(alice, "2028-12-31")
    tab_to(alice, f"#source-card-{crates}")
    alice.keyboard.press("Space")
    tab_to(alice, '#commitment-form button[type="submit"]')
    alice.keyboard.press("Enter")
    title = "Reusable crates for 20 bakeries"
    expect(alice.locator(".commitment__title", has_text=title)).to_be_focused()
    expect(facilitator.locator(".commitment__title")).to_have_text(title)
    expect(announcer(facilitator)).to_contain_text("New commitment from")
    commitment = live.read(
        lambda: db.session.scalars(
            select(Commitment).where(Commitment.title == title)
        ).one()
    )
    assert commitment.indicator_baseline == 120
    assert commitment.deadline.isoformat() == "2028-12-31"

    # Voting: a vote, taken back, and cast again.
    set_phase(facilitator, "Voting")
    expect(announcer(alice)).to_contain_text("Voting:")
    tab_to(alice, f'#card-{crates} > .card__body [data-action="vote"]')
    alice.keyboard.press("Enter")
    expect(announcer(alice)).to_contain_text("Votes left: 4")
    expect(facilitator.locator(f"#card-{crates} > .card__body")).to_contain_text(
        "Votes: 1"
    )
    tab_to(alice, f'#card-{crates} > .card__body [data-action="retract"]')
    alice.keyboard.press("Enter")
    expect(announcer(alice)).to_contain_text("Votes left: 5")
    expect(alice.locator(":focus")).to_have_attribute("data-action", "vote")
    alice.keyboard.press("Enter")
    expect(alice.locator("#votes-left")).to_have_text("4")
    expect(facilitator.locator(f"#card-{crates} > .card__body")).to_contain_text(
        "Votes: 1"
    )

    # Signing: the participant signs for their organisation.
    set_phase(facilitator, "Signing")
    tab_to(alice, '[data-action="sign"]')
    alice.keyboard.press("Enter")
    expect(alice.locator(".commitment__signed")).to_be_focused()
    expect(alice.locator(".commitment__signed")).to_have_text(
        "Your organisation has signed."
    )
    expect(announcer(facilitator)).to_contain_text(
        re.compile(f"signed the commitment: {title}")
    )
    signed = live.read(
        lambda: list(
            db.session.scalars(
                select(Signature.organisation_id).where(
                    Signature.commitment_id == commitment.id
                )
            )
        )
    )
    assert signed == [setup.participants[0].organisation]
