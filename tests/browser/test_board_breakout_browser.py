"""Breakout groups in Chromium on a real `python app.py`: the facilitator splits two
participants into two groups; each participant's page opens their group's board; a
card written in a group shows on the main board with its group once the facilitator
ends the breakout, and the participants' pages are back on the main board. The panel
and a group's board pass axe and fit a 360 px screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.board.conftest import BoardSetup
from tests.browser.axe import axe_violations
from tests.browser.conftest import (
    LiveBoardServer,
    Pages,
    add_card,
    card_texts,
    fits_the_screen,
)

pytestmark = pytest.mark.browser

NARROW: ViewportSize = {"width": 360, "height": 740}
GROUP_TITLE = re.compile(r"^Group [12]$")


def split(facilitator: Page) -> None:
    facilitator.get_by_label("Number of groups").fill("2")
    facilitator.get_by_label("Who goes where").select_option("random")
    facilitator.get_by_role("button", name="Split into groups").click()


def on_group_board(page: Page) -> str:
    """Wait until the page shows a group's board, connected; the group's title."""
    title = page.locator("#breakout-title")
    expect(title).to_have_text(GROUP_TITLE)
    expect(page.locator("#board-status")).to_have_text("Connected")
    return title.inner_text()


def test_a_card_written_in_a_group_comes_back_to_the_main_board_with_its_group(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup: BoardSetup = live.new_board("ideas", participants=2)
    facilitator = pages.official(setup)
    anna = pages.participant(setup, 0)
    bogdan = pages.participant(setup, 1)

    split(facilitator)

    titles = {on_group_board(anna), on_group_board(bogdan)}
    assert titles == {"Group 1", "Group 2"}
    expect(facilitator.locator("#breakout-list a")).to_have_count(2)
    anna_group = on_group_board(anna)[-1]
    add_card(anna, setup, "Bike racks at the station")
    expect(card_texts(anna, "Bike racks at the station")).to_be_visible()
    expect(anna.locator(".card--waiting")).to_have_count(0)  # acknowledged
    # The other group's page never sees it.
    expect(bogdan.locator(".card-list .card")).to_have_count(0)
    assert card_texts(facilitator, "Bike racks at the station").count() == 0

    facilitator.get_by_role("button", name="End breakout").click()

    back = facilitator.locator(".card-list .card", has_text="Bike racks at the station")
    expect(back).to_contain_text(f"from group {anna_group}")
    expect(facilitator.locator("#breakout-start")).to_be_visible()
    for page in (anna, bogdan):
        expect(page.locator("#breakout-title")).to_have_count(0)
        expect(page.locator("#board-status")).to_have_text("Connected")
        card = page.locator(".card-list .card", has_text="Bike racks at the station")
        expect(card).to_contain_text(f"from group {anna_group}")


def test_the_breakout_panel_and_a_groups_board_pass_axe_and_fit_360_px(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas", participants=2)
    facilitator = pages.official(setup)
    anna = pages.participant(setup, 0, NARROW)
    facilitator.set_viewport_size(NARROW)

    assert axe_violations(facilitator) == []
    assert fits_the_screen(facilitator)
    split(facilitator)
    on_group_board(anna)
    expect(facilitator.locator("#breakout-list a")).to_have_count(2)

    assert axe_violations(facilitator) == []
    assert fits_the_screen(facilitator)
    assert axe_violations(anna) == []
    assert fits_the_screen(anna)
