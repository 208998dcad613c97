"""Breakout groups in Chromium on a real `python app.py`: the facilitator splits two
participants into two groups; each participant's page opens their group's board; a
card written in a group shows on the main board with its group once the facilitator
ends the breakout, and the participants' pages are back on the main board. Split by
hand, with the keyboard, three participants land in the groups the facilitator chose;
a split the server refuses is explained beside the form. The panel (by hand too) and
a group's board pass axe and fit a 360 px screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect
from sqlalchemy import select

from extensions import db
from stakeholders.models import Person
from tests.board.conftest import BoardSetup
from tests.browser.axe import axe_violations
from tests.browser.conftest import (
    LiveBoardServer,
    Pages,
    add_card,
    card_texts,
    fits_the_screen,
    open_panel,
)
from workshops.models import Board, breakout_member

pytestmark = pytest.mark.browser

NARROW: ViewportSize = {"width": 360, "height": 740}
GROUP_TITLE = re.compile(r"^Group [12]$")


def split(facilitator: Page) -> None:
    open_panel(facilitator, "breakout")
    facilitator.get_by_label("Number of groups").fill("2")
    facilitator.get_by_label("Who goes where").select_option("random")
    facilitator.get_by_role("button", name="Split into groups").click()


def by_hand(facilitator: Page, groups: int) -> Locator:
    """The facilitator opens the breakout panel with the keyboard and chooses to split
    `groups` groups by hand; the panel."""
    panel = facilitator.locator('details[data-panel="breakout"]')
    panel.locator("summary").focus()
    facilitator.keyboard.press("Enter")
    expect(panel).to_have_attribute("open", "")
    panel.get_by_label("Number of groups").fill(str(groups))
    panel.get_by_label("Who goes where").select_option("manual")
    return panel


def names(live: LiveBoardServer, setup: BoardSetup) -> list[str]:
    ids = [seat.person for seat in setup.participants]
    query = select(Person.id, Person.name).where(Person.id.in_(ids))
    found = dict(live.read(lambda: db.session.execute(query).all()))
    return [found[person] for person in ids]


def members(live: LiveBoardServer, setup: BoardSetup) -> dict[int, int]:
    """Who is in which group, as the database has it: person id -> group number."""
    query = (
        select(breakout_member.c.person_id, Board.group_no)
        .join(Board, Board.id == breakout_member.c.board_id)
        .where(Board.parent_board_id == setup.board)
    )
    return dict(live.read(lambda: db.session.execute(query).all()))


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
    panel = by_hand(facilitator, 2)
    expect(panel.get_by_role("combobox", name=re.compile("·"))).to_have_count(1)
    assert axe_violations(facilitator) == []
    assert fits_the_screen(facilitator)
    split(facilitator)
    on_group_board(anna)
    expect(facilitator.locator("#breakout-list a")).to_have_count(2)

    assert axe_violations(facilitator) == []
    assert fits_the_screen(facilitator)
    assert axe_violations(anna) == []
    assert fits_the_screen(anna)


def test_the_facilitator_splits_three_participants_by_hand_with_the_keyboard(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas", participants=3)
    anna_name, bogdan_name, carla_name = names(live, setup)
    facilitator = pages.official(setup)
    anna, bogdan, carla = (pages.participant(setup, seat) for seat in range(3))
    expect(facilitator.locator("#presence-count")).to_have_text("4")

    panel = by_hand(facilitator, 2)
    expect(panel.get_by_role("combobox", name=re.compile("·"))).to_have_count(3)
    panel.get_by_label(anna_name).select_option(label="Group 1")
    panel.get_by_label(bogdan_name).select_option(label="Group 1")
    # Carla's group with the keyboard only: to the first group, then one down.
    carla_group = panel.get_by_label(carla_name)
    carla_group.focus()
    facilitator.keyboard.press("Home")
    expect(carla_group).to_have_value("1")
    facilitator.keyboard.press("ArrowDown")
    expect(carla_group).to_have_value("2")
    panel.get_by_role("button", name="Split into groups").focus()
    facilitator.keyboard.press("Enter")

    assert [on_group_board(page) for page in (anna, bogdan, carla)] == [
        "Group 1",
        "Group 1",
        "Group 2",
    ]
    follow = facilitator.locator("#breakout-list a")
    expect(follow).to_have_text(["Follow group 1 (2)", "Follow group 2 (1)"])
    expect(facilitator.locator("#breakout-error")).to_be_empty()
    anna_id, bogdan_id, carla_id = (seat.person for seat in setup.participants)
    assert members(live, setup) == {anna_id: 1, bogdan_id: 1, carla_id: 2}


def test_a_split_by_hand_the_server_refuses_is_explained_beside_the_form(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    facilitator = pages.official(setup)  # no participant on the board yet

    panel = by_hand(facilitator, 2)
    expect(panel.get_by_text("No participant is on the board yet.")).to_be_visible()
    panel.get_by_role("button", name="Split into groups").click()

    error = panel.locator("#breakout-error")
    expect(error).to_have_text(
        "Please check what you wrote. Put at least one participant of this board in"
        " a group, each in a group from 1 to the number of groups."
    )
    expect(error).to_have_attribute("role", "alert")
    expect(facilitator.locator("#board-alert")).to_be_empty()
    assert members(live, setup) == {}
    # A participant arrives; the split goes through and the explanation goes away.
    pages.participant(setup, 0)
    expect(panel.get_by_role("combobox", name=re.compile("·"))).to_have_count(1)
    panel.get_by_role("button", name="Split into groups").click()
    expect(facilitator.locator("#breakout-list a")).to_have_count(2)
    expect(error).to_be_empty()
