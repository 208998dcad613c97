"""Dragging cards with a finger (static/js/board/drag.js, Pointer Events on the card's
grip) in Chromium on a touch phone: the facilitator clusters one card onto another
and moves one to another theme by touch, and a participant's page and the database
show it; a tap on the grip moves nothing, and a tap on a card's button or a swipe on
the rest of a card (which scrolls the page) work as before. The touches go through
the browser's own input pipeline (CDP `Input.dispatchTouchEvent`), as a finger's
would."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from extensions import db
from tests.board.conftest import OFFICIAL_EMAIL, BoardSetup
from tests.browser.axe import axe_violations
from tests.browser.conftest import (
    PHONE,
    LiveBoardServer,
    Pages,
    new_card,
    watched_page,
)
from tests.conftest import PASSWORD
from workshops.models import Card

pytestmark = pytest.mark.browser


def facilitator_on_a_phone(pages: Pages, setup: BoardSetup) -> Page:
    """The pact's official (the board's facilitator) on a touch phone, on the board."""
    page = watched_page(
        pages.browser,
        pages.contexts,
        pages.errors,
        locale="en-GB",
        viewport=PHONE,
        has_touch=True,
        is_mobile=True,
    )
    page.goto(pages.live.url + "/login")
    page.locator("[name=email]").fill(OFFICIAL_EMAIL)
    page.locator("[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    return pages.open_board(page, setup)


def centre(locator: Locator) -> tuple[float, float]:
    box = locator.bounding_box()
    assert box is not None
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


Point = tuple[float, float]


class Finger:
    """One finger on the page's touch screen, through one debugging session."""

    def __init__(self, page: Page) -> None:
        self.session = page.context.new_cdp_session(page)
        self.at: Point = (0, 0)

    def touch(self, kind: str, *points: Point) -> None:
        where = [{"x": x, "y": y} for x, y in points]
        self.session.send(
            "Input.dispatchTouchEvent", {"type": kind, "touchPoints": where}
        )

    def down(self, at: Point) -> None:
        self.touch("touchStart", at)
        self.at = at

    def move_to(self, to: Point, steps: int = 8) -> None:
        start = self.at
        for step in range(1, steps + 1):
            x = start[0] + (to[0] - start[0]) * step / steps
            y = start[1] + (to[1] - start[1]) * step / steps
            self.touch("touchMove", (x, y))
        self.at = to

    def up(self) -> None:
        self.touch("touchEnd")
        self.session.detach()


def finger(page: Page, start: Point, end: Point) -> None:
    """One finger down at `start`, moved in steps to `end`, lifted there."""
    touching = Finger(page)
    touching.down(start)
    touching.move_to(end)
    touching.up()


def grip(page: Page, card_id: int) -> Locator:
    return page.locator(f"#card-{card_id} > .card__body .card__grip")


def clustered(page: Page, head: int, member: int) -> Locator:
    return page.locator(f"#card-{head} .card__cluster #card-{member}")


def text_of(page: Page, card_id: int) -> Locator:
    return page.locator(f"#card-{card_id}-text")


def card_row(live: LiveBoardServer, card_id: int) -> tuple[Any, ...]:
    found = live.read(lambda: db.session.get_one(Card, card_id))
    return found.cluster_id, found.theme_id, found.version


def test_the_facilitator_clusters_a_card_onto_another_by_touch(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    crates = new_card(live, setup, "Reusable crates")
    pallets = new_card(live, setup, "Shared pallets")
    alice = pages.participant(setup, 0)
    phone = facilitator_on_a_phone(pages, setup)
    grip(phone, pallets).scroll_into_view_if_needed()

    finger(phone, centre(grip(phone, pallets)), centre(text_of(phone, crates)))

    expect(clustered(alice, crates, pallets)).to_be_visible()
    expect(clustered(phone, crates, pallets)).to_be_visible()
    assert card_row(live, pallets)[:2] == (crates, setup.themes[0])
    expect(phone.locator(".drop-target, .card--dragging")).to_have_count(0)
    assert axe_violations(phone) == []


def test_the_facilitator_moves_a_card_to_another_theme_by_touch(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    pallets = new_card(live, setup, "Shared pallets")
    alice = pages.participant(setup, 0)
    phone = facilitator_on_a_phone(pages, setup)
    heading = phone.locator(f'.board-column[data-theme="{setup.themes[1]}"] > h2')
    heading.scroll_into_view_if_needed()
    grip(phone, pallets).scroll_into_view_if_needed()

    finger(phone, centre(grip(phone, pallets)), centre(heading))

    there = alice.locator(f'.board-column[data-theme="{setup.themes[1]}"] .card-list')
    expect(there.locator(f":scope > #card-{pallets}")).to_be_visible()
    assert card_row(live, pallets)[:2] == (None, setup.themes[1])


def test_a_finger_held_at_the_bottom_edge_scrolls_to_a_theme_further_down(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    pallets = new_card(live, setup, "Shared pallets")
    alice = pages.participant(setup, 0)
    phone = facilitator_on_a_phone(pages, setup)
    last = phone.locator(f'.board-column[data-theme="{setup.themes[-1]}"] > h2')
    height = PHONE["height"]
    assert centre(last)[1] > height  # below the window: only scrolling gets there
    grip(phone, pallets).scroll_into_view_if_needed()

    touching = Finger(phone)
    touching.down(centre(grip(phone, pallets)))
    touching.move_to((PHONE["width"] / 2, height - 10))
    # Held there, the page scrolls until the last theme's heading comes up; the finger
    # then leaves the edge (the scrolling stops) and drops the card on that heading.
    phone.wait_for_function(
        "(h) => { const top = document.querySelector(h).getBoundingClientRect().top;"
        " return top > 200 && top < innerHeight / 2 + 200; }",
        arg=f'.board-column[data-theme="{setup.themes[-1]}"] > h2',
    )
    touching.move_to((PHONE["width"] / 2, height / 2))
    touching.move_to(centre(last))
    touching.up()

    there = alice.locator(f'.board-column[data-theme="{setup.themes[-1]}"] .card-list')
    expect(there.locator(f":scope > #card-{pallets}")).to_be_visible()
    assert card_row(live, pallets)[:2] == (None, setup.themes[-1])


def test_a_tap_on_the_grip_moves_nothing_and_taps_and_swipes_elsewhere_work(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    crates = new_card(live, setup, "Reusable crates")
    pallets = new_card(live, setup, "Shared pallets")
    phone = facilitator_on_a_phone(pages, setup)
    before = card_row(live, pallets)
    grip(phone, pallets).scroll_into_view_if_needed()

    # A finger that touches the grip and lifts (a wobble of a few pixels) is no drag.
    x, y = centre(grip(phone, pallets))
    finger(phone, (x, y), (x + 3, y + 3))
    expect(phone.locator(".drop-target, .card--dragging")).to_have_count(0)

    # A tap on the card's buttons works as before.
    phone.get_by_role("button", name=f"Move card {crates} to another theme").tap()
    expect(phone.locator("#move-dialog")).to_be_visible()
    phone.keyboard.press("Escape")
    expect(phone.locator("#move-dialog")).to_be_hidden()

    # A swipe up that starts on a card's text scrolls the page, as before.
    text = text_of(phone, crates)
    text.scroll_into_view_if_needed()
    top = phone.evaluate("window.scrollY")
    start = centre(text)
    finger(phone, start, (start[0], start[1] - 200))
    phone.wait_for_function("(top) => window.scrollY > top", arg=top)

    # The tap and the swipe sent nothing: a real drag now makes the card's only move.
    text.scroll_into_view_if_needed()
    grip(phone, pallets).scroll_into_view_if_needed()
    finger(phone, centre(grip(phone, pallets)), centre(text))
    expect(clustered(phone, crates, pallets)).to_be_visible()
    cluster, theme, version = card_row(live, pallets)
    assert (cluster, theme, version) == (crates, before[1], before[2] + 1)
