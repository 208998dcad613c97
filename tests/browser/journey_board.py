"""The live board of the whole-journey test (test_whole_journey.py), phase by phase:
the facilitator's page and the two participants', the cards they write, the card
the facilitator clusters across columns, the commitment drafted from a card, the
votes and the signatures of the lead and of the city's official."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from core.models import Pact, Theme
from extensions import db
from tests.browser.journey import (
    LUCIA,
    SLUG,
    Stage,
    Translate,
    commitment_row,
    organisation_id,
)
from workshops.models import Card

CUPS = "Tazzine riutilizzabili con cauzione per l'asporto"
BOTTLES = "Vuoto a rendere per le bottiglie di vetro"
DISHWASHER = "Una lavastoviglie a pompa di calore condivisa tra i bar della via"
GROUNDS = "Fondi di caffè raccolti per il compost degli orti urbani"
COMMITMENT = "Tazzine riutilizzabili in 40 bar di San Salvario"
DEADLINE = date(date.today().year + 3, 12, 31)

# The workshop's themes; the board shows every theme of the pact, these first.
THEMES = ("circular-economy", "energy")
PHASES = {
    "ideas": "Ideas",
    "cluster": "Clustering",
    "draft": "Drafting commitments",
    "vote": "Voting",
    "sign": "Signing",
    "closed": "Closed",
}


@dataclass
class Board:
    """The board's pages: the facilitator's and the two participants'."""

    facilitator: Page
    lucia: Page
    paolo: Page
    themes: list[int]
    it: Translate

    def open(self, page: Page) -> None:
        page.get_by_role("link", name=self.it("Open the live board")).click()
        expect(page.locator("#board-status")).to_have_text(self.it("Connected"))

    def phase(self, phase: str) -> None:
        """The facilitator moves the board on; everyone sees the new phase."""
        self.facilitator.get_by_label(self.it("Phase"), exact=True).select_option(phase)
        self.facilitator.get_by_role("button", name=self.it("Set phase")).click()
        label = self.it(PHASES[phase])
        for page in (self.facilitator, self.lucia, self.paolo):
            expect(page.locator("#board-phase-name")).to_have_text(label)

    def layout(self, page: Page) -> Locator:
        """Who is here and the columns of cards."""
        return page.locator(".board__layout")

    def column(self, page: Page, index: int) -> Locator:
        return page.locator(f'.board-column[data-theme="{self.themes[index]}"]')

    def add_card(self, page: Page, index: int, text: str) -> None:
        column = self.column(page, index)
        column.get_by_label(self.it("New card")).fill(text)
        column.get_by_role("button", name=self.it("Add card")).click()
        for other in (self.facilitator, self.lucia, self.paolo):
            expect(card(other, text)).to_be_visible()


def card(page: Page | Locator, text: str) -> Locator:
    return page.get_by_role("article", name=text, exact=True)


def card_id(stage: Stage, text: str) -> int:
    return int(
        stage.read(
            lambda: db.session.scalars(select(Card.id).where(Card.text == text)).one()
        )
    )


def workshop_themes(stage: Stage) -> list[int]:
    """The ids of the workshop's two themes (its board's columns), in order."""
    rows = select(Theme.key, Theme.id).join(Pact).where(Pact.slug == SLUG)
    by_key = stage.read(lambda: {key: id_ for key, id_ in db.session.execute(rows)})
    return [by_key[key] for key in THEMES]


def ideas_and_clusters(board: Board, stage: Stage) -> None:
    board.phase("ideas")
    board.add_card(board.lucia, 0, CUPS)
    board.add_card(board.paolo, 0, GROUNDS)
    board.add_card(board.lucia, 1, DISHWASHER)
    # Paolo puts the bottles under the wrong theme; the facilitator moves them.
    board.add_card(board.paolo, 1, BOTTLES)
    stage.shot(board.lucia, 6, "board-ideas", at=board.layout(board.lucia))

    board.phase("cluster")
    it = board.it
    card(board.facilitator, BOTTLES).get_by_role("button", name=it("Pick")).click()
    card(board.facilitator, CUPS).get_by_role(
        "button", name=it("Cluster picked cards here")
    ).click()
    cluster = board.paolo.get_by_role(
        "list", name=it("Cards clustered with card %(id)s", id=card_id(stage, CUPS))
    )
    expect(card(cluster, BOTTLES)).to_be_visible()
    expect(card(board.column(board.paolo, 1), BOTTLES)).to_have_count(0)
    stage.shot(
        board.facilitator, 7, "board-cluster", at=board.layout(board.facilitator)
    )


def draft_and_vote(board: Board, stage: Stage) -> None:
    """Lucia drafts the commitment from her card; everyone votes."""
    it = board.it
    board.phase("draft")
    form = board.lucia.get_by_role("form", name=it("New commitment"))
    form.get_by_label(it("Title"), exact=True).fill(COMMITMENT)
    form.get_by_label(it("Action"), exact=True).fill(
        "Tazzine e bicchieri riutilizzabili con una cauzione di un euro, resi in "
        "qualunque bar aderente e lavati ogni sera."
    )
    expect(form.get_by_label(it("Lead organisation"))).to_have_value(
        str(organisation_id(stage, LUCIA))
    )
    form.get_by_label(it("Name"), exact=True).fill(
        "Bar che usano tazzine riutilizzabili"
    )
    form.get_by_label(it("Unit"), exact=True).fill("bar")
    form.get_by_label(it("Baseline")).fill("0")
    form.get_by_label(it("Target")).fill("40")
    form.get_by_label(it("Deadline")).fill(DEADLINE.isoformat())
    form.get_by_label(it("Support requested")).fill(
        "Una lavastoviglie condivisa alla Casa del Quartiere."
    )
    form.get_by_label(re.compile(re.escape(CUPS[:30]))).check()
    stage.shot(board.lucia, 8, "board-draft", at=form)
    form.get_by_role("button", name=it("Save the commitment")).click()
    expect(board.lucia.locator(".commitment", has_text=COMMITMENT)).to_be_visible()
    drafted = board.facilitator.locator(".commitment", has_text=COMMITMENT)
    expect(drafted).to_contain_text(LUCIA.organisation)
    expect(drafted).to_contain_text("Bar che usano tazzine riutilizzabili: 0 → 40 bar")

    board.phase("vote")
    cups = card_id(stage, CUPS)
    for voter, votes in ((board.lucia, 3), (board.paolo, 2)):
        vote = voter.get_by_role("button", name=it("Vote for card %(id)s", id=cups))
        for _ in range(votes):
            vote.click()
        expect(voter.locator("#votes-left")).to_have_text(str(5 - votes))
    board.paolo.get_by_role(
        "button", name=it("Vote for card %(id)s", id=card_id(stage, GROUNDS))
    ).click()
    expect(card(board.facilitator, CUPS)).to_contain_text(it("Votes: %(num)s", num=5))
    expect(card(board.facilitator, GROUNDS)).to_contain_text(
        it("Votes: %(num)s", num=1)
    )
    stage.shot(board.paolo, 9, "board-vote", at=board.layout(board.paolo))


def signatures(board: Board, stage: Stage, official: Page) -> None:
    """In the signing phase Lucia signs for Caffè Circolare and the official for the
    City: the agreed commitment is signed."""
    it = board.it
    board.phase("sign")
    mine = board.lucia.locator(".commitment", has_text=COMMITMENT)
    mine.get_by_role("button", name=it("Sign for my organisation")).click()
    expect(mine).to_contain_text(it("Your organisation has signed."))

    board.open(official)
    theirs = official.locator(".commitment", has_text=COMMITMENT)
    theirs.get_by_role("button", name=it("Sign for the public authority")).click()
    expect(theirs).to_contain_text(it("The public authority has signed."))
    expect(
        board.facilitator.locator(".commitment", has_text=COMMITMENT).locator(
            ".status--signed"
        )
    ).to_have_text(it("Signed"))
    # Paolo's organisation is no party to the agreed commitment: nothing to sign.
    expect(
        board.paolo.locator(".commitment", has_text=COMMITMENT).get_by_role(
            "button", name=it("Sign for my organisation")
        )
    ).to_have_count(0)
    stage.shot(board.lucia, 10, "board-sign", at=mine)
    signed = commitment_row(stage)
    assert signed.status == "signed"
    assert sorted((s.authority, s.organisation_id) for s in signed.signatures) == [
        (False, organisation_id(stage, LUCIA)),
        (True, None),
    ]
    board.phase("closed")
    stage.shot(board.facilitator, 11, "board-closed")
