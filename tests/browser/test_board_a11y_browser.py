"""axe-core on the live board in every phase, as the facilitator and as a participant,
with cards, a cluster, a merged and a hidden card, comments, a commitment, votes and
signatures on it, with every disclosure panel open and each of the board's dialogs
open; the board on a 360 px phone, which never scrolls sideways (on wider screens the
columns scroll inside their own region); and a burst of others' changes said as one
summary."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.board.conftest import BoardClient, BoardSetup
from tests.browser.board_a11y import axe_violations
from tests.browser.conftest import (
    LiveBoardServer,
    Pages,
    fits_the_screen,
    open_every_panel,
)

pytestmark = pytest.mark.browser

PHASE_NAMES = {
    "lobby": "Lobby",
    "ideas": "Ideas",
    "cluster": "Clustering",
    "draft": "Drafting commitments",
    "vote": "Voting",
    "sign": "Signing",
    "closed": "Closed",
}
INDICATOR = {"name": "Packaging waste", "unit": "t", "baseline": 120, "target": 80}


class BoardStory:
    """What happens on the board before each phase is checked: written through the
    services by the facilitator and the participants, as if sent from their pages."""

    def __init__(self, live: LiveBoardServer, setup: BoardSetup) -> None:
        self.live = live
        self.setup = setup
        self.cards: list[int] = []
        self.commitment = 0

    def by(self, seat: int | None, event: str, **payload: object) -> dict:
        person = (
            self.live.seeder.official
            if seat is None
            else self.setup.participants[seat].person
        )
        return self.live.change(self.setup.board, person, event, **payload)

    def phase(self, phase: str) -> None:
        self.by(None, "board:phase", phase=phase)

    def ideas(self) -> None:
        themes = self.setup.themes
        for seat, theme, text in [
            (0, themes[0], "Reusable crates between the bakeries"),
            (1, themes[0], "Shared delivery vans"),
            (1, themes[1], "A repair café in every town"),
            (0, themes[1], "Solar roofs on the warehouses"),
            (1, themes[0], "Deposit for coffee cups"),
        ]:
            card = self.by(seat, "card:create", theme=theme, text=text)["card"]
            self.cards.append(int(card["id"]))
        self.by(1, "comment:add", card=self.cards[0], text="We would join")

    def cluster(self) -> None:
        head, member, _other, hidden, merged = self.cards
        self.by(None, "card:move", card=member, version=1, cluster=head)
        self.by(None, "card:hide", card=hidden, hidden=True)
        self.by(None, "card:merge", cards=[merged], into=head)

    def draft(self) -> None:
        lead = self.setup.participants[0]
        created = self.by(
            0,
            "commitment:create",
            title="Reusable crates for 20 bakeries",
            action="Crates instead of cardboard",
            theme=self.setup.themes[0],
            lead=lead.organisation,
            indicator=INDICATOR,
            deadline="2028-12-31",
            source_cards=[self.cards[0]],
        )
        self.commitment = int(created["commitment"]["id"])

    def vote(self) -> None:
        self.by(1, "vote:cast", card=self.cards[0])
        self.by(1, "vote:cast", card=self.cards[2])

    def sign(self) -> None:
        self.by(1, "commitment:sign", commitment=self.commitment)


def no_violations(page: Page, where: str) -> None:
    found = axe_violations(page)
    assert found == [], f"{where}:\n" + "\n".join(found)


def dialogs_checked(page: Page, where: str, openers: list[str]) -> None:
    """Open each dialog whose opening button is on the page, check it, close it with
    Escape and see focus back on the button that opened it."""
    for selector in openers:
        opener = page.locator(selector).first
        if not opener.count() or not opener.is_visible():
            continue
        opener.focus()
        page.keyboard.press("Enter")
        dialog = page.locator("dialog[open]")
        expect(dialog).to_have_count(1)
        no_violations(page, f"{where}, dialog of {selector} open")
        for _ in range(5):  # the page behind a modal dialog is out of reach
            page.keyboard.press("Tab")
            assert page.evaluate(
                "document.querySelector('dialog[open]').contains(document.activeElement)"
            ), f"{where}: Tab left the dialog of {selector}"
        page.keyboard.press("Escape")
        expect(dialog).to_have_count(0)
        expect(opener).to_be_focused()


PHASES: list[tuple[str, Callable[[BoardStory], None] | None]] = [
    ("lobby", None),
    ("ideas", BoardStory.ideas),
    ("cluster", BoardStory.cluster),
    ("draft", BoardStory.draft),
    ("vote", BoardStory.vote),
    ("sign", BoardStory.sign),
    ("closed", None),
]

# Parts of the board that open in place (an editor, comments, a picked card, the
# commitment form editing), checked once opened, per person and phase.
OPENED_STATES = {
    ("participant", "ideas"): [
        '[data-action="edit"]:visible',
        ".card__comments summary",
    ],
    ("facilitator", "cluster"): ['[data-action="pick"]:visible'],
    ("participant", "draft"): ['[data-action="edit-commitment"]:visible'],
}
DIALOG_OPENERS = [
    '[data-action="move"]:visible',
    '[data-action="delete"]:visible',
    '[data-action="remove-person"]:visible',
]


def test_axe_finds_no_wcag_21_aa_violation_on_the_board_in_any_phase(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("lobby")
    story = BoardStory(live, setup)
    facilitator = pages.official(setup)
    participant = pages.participant(setup, 0)
    for phase, happen in PHASES:
        if phase != "lobby":
            story.phase(phase)
        if happen is not None:
            happen(story)
        for who, page in (("facilitator", facilitator), ("participant", participant)):
            # Changes written through the services are not broadcast: reload.
            page.reload()
            expect(page.locator("#board-status")).to_have_text("Connected")
            expect(page.locator("#board-phase-name")).to_have_text(PHASE_NAMES[phase])
            open_every_panel(page)  # the facilitator's panels, checked open
            where = f"{who} in the {phase} phase"
            no_violations(page, where)
            dialogs_checked(page, where, DIALOG_OPENERS)
            for opener in OPENED_STATES.get((who, phase), []):
                page.locator(opener).first.focus()
                page.keyboard.press("Enter")
                no_violations(page, f"{where}, after {opener}")


def scrolled_sideways(region: Locator) -> bool:
    """Has `region` scrolled to the right (waiting out a smooth scroll)?"""
    for _ in range(50):
        if region.evaluate("(node) => node.scrollLeft") > 0:
            return True
        region.page.wait_for_timeout(100)
    return False


def test_the_board_scrolls_sideways_only_inside_its_columns_region(
    pages: Pages, live: LiveBoardServer
) -> None:
    """At 360 px the columns stack and nothing is wider than the screen, the move
    dialog included; on a laptop the five themes scroll sideways inside their own
    region, which a keyboard can reach (and scroll with the arrow keys)."""
    setup = live.new_board("ideas")
    story = BoardStory(live, setup)
    story.ideas()
    phone = pages.participant(setup, 0, viewport={"width": 360, "height": 740})
    expect(phone.locator(".card")).to_have_count(5)
    assert fits_the_screen(phone)
    phone.locator('[data-action="move"]').first.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("dialog[open]")).to_be_visible()
    assert fits_the_screen(phone)
    no_violations(phone, "participant at 360 px, move dialog open")
    phone.keyboard.press("Escape")

    laptop = pages.official(setup)
    laptop.set_viewport_size({"width": 1024, "height": 768})
    expect(laptop.locator(".card")).to_have_count(5)
    assert fits_the_screen(laptop)
    columns = laptop.locator("#board-columns")
    assert columns.evaluate("(region) => region.scrollWidth > region.clientWidth")
    expect(columns).to_have_attribute("tabindex", "0")
    expect(columns).to_have_accessible_name("Themes and their cards")
    columns.focus()
    laptop.keyboard.press("ArrowRight")
    assert scrolled_sideways(columns)
    no_violations(laptop, "facilitator at 1024 px")


def test_a_burst_of_changes_by_someone_else_is_announced_as_one_summary(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    alice = pages.participant(setup, 0)
    bob = BoardClient()
    try:
        bob.open(live.url, setup.participants[1].token)
        assert bob.join(setup.board)["ok"]
        bob.change(setup.board, "card:create", theme=setup.themes[0], text="One")
        expect(alice.locator("#board-announcer p")).to_have_text(
            [re.compile(r"^New card from .*: One$")]
        )
        for text in ["Two", "Three", "Four", "Five"]:
            bob.change(setup.board, "card:create", theme=setup.themes[0], text=text)
    finally:
        bob.disconnect()
        bob.shutdown()

    expect(alice.locator(".card-list .card")).to_have_count(5)
    expect(alice.locator("#board-announcer p")).to_have_text(
        [
            re.compile(r"^New card from .*: One$"),
            re.compile(r"^4 changes on the board; the last: New card from .*: Five$"),
        ]
    )
