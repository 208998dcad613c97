"""Voting the way facilitators run it, and the spotlight, in Chromium on a real
`python app.py`: the facilitator sets the budget on the page, two participants vote
without seeing the totals, the reveal sorts every page's cards by votes, and a card
put in the spotlight opens on both participants' pages until it is released."""

from __future__ import annotations

import pytest
from playwright.sync_api import ViewportSize, expect

from extensions import db
from tests.browser.board_votes import (
    card_order,
    close_spotlight,
    release_spotlight,
    reveal_votes,
    set_vote_settings,
    spotlight,
    spotlight_panel,
)
from tests.browser.conftest import (
    LiveBoardServer,
    Pages,
    column,
    fits_the_screen,
    new_card,
    open_panel,
)
from tests.browser.test_board_actions_browser import card
from tests.browser.test_board_suggestions_browser import set_phase
from workshops.models import Board

pytestmark = pytest.mark.browser

NARROW: ViewportSize = {"width": 360, "height": 740}


def test_hidden_votes_are_revealed_and_sorted_and_a_spotlight_reaches_everyone(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("vote")
    crates, vans, bins = (
        new_card(live, setup, text) for text in ("Crates", "Shared vans", "Bins")
    )
    facilitator = pages.official(setup)
    alice = pages.participant(setup, 0)
    bob = pages.participant(setup, 1, viewport=NARROW)

    set_vote_settings(facilitator, budget=3, per_card=2)
    for page in (alice, bob):
        expect(page.locator("#vote-budget")).to_have_text("3")
    assert live.read(lambda: _settings(setup.board)) == (3, 2)

    vote = alice.get_by_role("button", name=f"Vote for card {bins}")
    vote.click()
    vote.click()
    expect(alice.locator("#votes-left")).to_have_text("1")
    vote.click()  # a third on one card: over the most per card
    expect(alice.locator("#board-alert")).to_contain_text(
        "as many votes on this card as allowed"
    )
    alice.get_by_role("button", name=f"Vote for card {vans}").click()
    expect(alice.locator("#votes-left")).to_have_text("0")
    bob.get_by_role("button", name=f"Vote for card {bins}").click()
    bob.get_by_role("button", name=f"Vote for card {vans}").click()
    expect(bob.locator("#votes-left")).to_have_text("1")

    # Bins 3, vans 2, crates 0: the facilitator sees it, the participants do not.
    expect(card(facilitator, "Bins")).to_contain_text("Votes: 3")
    for page in (alice, bob):
        expect(page.locator("#votes-hidden-note")).to_contain_text("hidden")
        expect(page.locator(".card__vote-count", has_text="Votes")).to_have_count(0)
        assert card_order(page, column(page, setup)) == [crates, vans, bins]
    expect(card(alice, "Bins")).to_contain_text("yours: 2")

    reveal_votes(facilitator)

    for page in (facilitator, alice, bob):
        expect(card(page, "Bins")).to_contain_text("Votes: 3")
        expect(card(page, "Shared vans")).to_contain_text("Votes: 2")
        expect(column(page, setup).locator("ol.card-list > li.card").first).to_have_id(
            f"card-{bins}"
        )
        assert card_order(page, column(page, setup)) == [bins, vans, crates]
    expect(alice.locator("#votes-hidden-note")).to_have_text("")

    spotlight(facilitator, "card", vans)

    for page in (alice, bob):
        panel = spotlight_panel(page)
        expect(panel).to_be_visible()
        expect(panel).to_contain_text("Shared vans")
        expect(page.locator("#spotlight-title")).to_be_focused()
    assert fits_the_screen(bob)
    close_spotlight(bob)  # for Bob only
    expect(spotlight_panel(bob)).to_be_hidden()
    expect(spotlight_panel(alice)).to_be_visible()
    assert live.read(lambda: _spotlight(setup.board)) == ("card", vans)

    facilitator.keyboard.press("Escape")  # the facilitator's own panel
    release_spotlight(facilitator)

    for page in (alice, bob, facilitator):
        expect(spotlight_panel(page)).to_be_hidden()
    facilitator.set_viewport_size(NARROW)  # the vote and spotlight tools fit too
    assert fits_the_screen(facilitator)
    assert live.read(lambda: _spotlight(setup.board)) == (None, None)


def _settings(board_id: int) -> tuple[int, int]:
    board = db.session.get(Board, board_id)
    assert board is not None
    return board.vote_budget, board.vote_per_card


def _spotlight(board_id: int) -> tuple[str | None, int | None]:
    board = db.session.get(Board, board_id)
    assert board is not None
    return board.spotlight_type, board.spotlight_id


def test_vote_settings_typed_but_not_saved_survive_a_phase_change(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    facilitator = pages.official(setup)
    open_panel(facilitator, "votes")
    facilitator.get_by_label("Votes per person").fill("3")
    facilitator.get_by_label("Most votes on one card").fill("2")

    # The board moves on (from another tab) while the settings are still being typed.
    other_tab = pages.official(setup)
    set_phase(other_tab, "vote")
    expect(facilitator.locator("#board-phase-name")).to_have_text("Voting")
    expect(facilitator.get_by_label("Votes per person")).to_have_value("3")
    expect(facilitator.get_by_label("Most votes on one card")).to_have_value("2")

    facilitator.get_by_role("button", name="Save the vote settings").click()
    expect(facilitator.locator("#vote-budget")).to_have_text("3")
    assert live.read(lambda: _settings(setup.board)) == (3, 2)
