"""The live board in Chromium when its person's access ends: a staff member with the
board open in one tab logs out in another; the board tab says so in words, offers to
log in again, and stops (no reconnecting, no retry button); the projector screen
says the same and stays stopped."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveBoardServer, Pages
from tests.browser.test_board_screen_browser import LAPTOP, projector

pytestmark = pytest.mark.browser


def test_logging_out_in_another_tab_ends_the_board_with_a_message(
    pages: Pages, live: LiveBoardServer
):
    setup = live.new_board()
    board = pages.official(setup)
    other_tab = board.context.new_page()
    other_tab.goto(live.url + "/staff")

    with other_tab.expect_navigation():
        other_tab.get_by_role("button", name="Log out").click()

    status = board.locator("#board-status")
    expect(status).to_have_text(
        "You were logged out, so the board stopped. Log in again to rejoin it."
    )
    rejoin = board.get_by_role("link", name="Log in again")
    expect(rejoin).to_be_visible()
    expect(board.locator("#board-retry")).to_be_hidden()
    expect(board.locator("#board")).to_have_attribute("data-connection", "offline")
    rejoin.click()
    board.wait_for_url(re.compile(r"/login\?next="))


def test_logging_out_ends_the_projector_screen_with_the_same_message(
    pages: Pages, live: LiveBoardServer
):
    setup = live.new_board()
    screen = projector(pages, setup, LAPTOP)
    other_tab = screen.context.new_page()
    other_tab.goto(live.url + "/staff")

    with other_tab.expect_navigation():
        other_tab.get_by_role("button", name="Log out").click()

    expect(screen.locator("#screen-status")).to_have_text(
        "You were logged out, so the board stopped. Log in again to rejoin it."
    )
    expect(screen.locator("#screen")).to_have_attribute("data-connection", "offline")
