"""The card wall (issue 19) in Chromium: every column of a five-theme workshop in view
at 1,280 × 800 with sticky headings, for a facilitator too, as loaded (the
facilitator's panels are closed disclosures above the wall, opened by keyboard and
remembered per board for the tab), no sideways page scroll at 360 px in any phase
with every panel open (nor on the staff workshop pages), cards as notes by kind, the
compact composer, drag and drop into a cluster seen on another participant's page,
the phase stepper, the visible countdown and its "Time is up", and the drafting panel
beside a cluster in the draft phase only."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, ViewportSize, expect
from sqlalchemy import select

from commitments.models import Commitment
from extensions import db
from tests.board.conftest import OFFICIAL_EMAIL, BoardSetup
from tests.browser.conftest import (
    LiveBoardServer,
    Pages,
    new_card,
    open_every_panel,
    with_agenda,
)
from tests.conftest import PASSWORD
from workshops.models import Card

LAPTOP: ViewportSize = {"width": 1280, "height": 800}
NARROW: ViewportSize = {"width": 360, "height": 740}
PHASES = ["lobby", "ideas", "cluster", "draft", "vote", "sign", "closed"]
LONG_WORD = "Reutilizarea" * 12  # one unbreakable word, longer than a phone is wide


def note(page: Page, card_id: int) -> Locator:
    return page.locator(f"#card-{card_id}")


def official_at(pages: Pages, setup: BoardSetup, viewport: ViewportSize) -> Page:
    page = pages.new_page(viewport)
    page.goto(pages.live.url + "/login")
    page.locator("[name=email]").fill(OFFICIAL_EMAIL)
    page.locator("[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    return pages.open_board(page, setup)


def set_phase(facilitator: Page, phase: str) -> None:
    """The facilitator moves the board on with the toolbar (everyone sees it live)."""
    facilitator.locator("#phase-select").select_option(phase)
    facilitator.get_by_role("button", name="Set phase").click()


def page_width(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


# --- layout ------------------------------------------------------------------------


def test_at_1280_px_every_column_of_a_five_theme_workshop_is_in_view(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = with_agenda(live, "co-creation")  # every facilitator's panel is there
    live.change(setup.board, live.seeder.official, "board:phase", phase="ideas")
    assert len(setup.themes) == 5
    for theme in range(5):
        new_card(live, setup, f"An idea for theme {theme}", theme=theme)
    facilitator = official_at(pages, setup, LAPTOP)
    alice = pages.participant(setup, 0, viewport=LAPTOP)

    for page in (facilitator, alice):
        columns = page.locator(".board-column")
        expect(columns).to_have_count(5)
        # As loaded, without scrolling: the facilitator's panels are closed.
        assert page.evaluate("window.scrollY") == 0
        for index in range(5):
            heading = columns.nth(index).locator("h2")
            expect(heading).to_be_in_viewport()
            box = heading.bounding_box()
            assert box is not None
            assert box["x"] >= 0
            assert box["x"] + box["width"] <= LAPTOP["width"]
            position = heading.evaluate("h => getComputedStyle(h).position")
            assert position == "sticky"
        assert page_width(page) <= LAPTOP["width"]


def test_the_column_headings_stay_in_view_while_the_wall_scrolls(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    for number in range(14):
        new_card(live, setup, f"Idea number {number}\nwith a second line")
    alice = pages.participant(setup, 0, viewport=LAPTOP)
    expect(alice.locator(".card-list .card")).to_have_count(14)
    wall = alice.locator("#board-columns")
    heading = alice.locator(".board-column").first.locator("h2")
    top = wall.bounding_box()
    assert top is not None

    wall.evaluate("wall => { wall.scrollTop = wall.scrollHeight; }")

    assert wall.evaluate("wall => wall.scrollTop") > 0  # the wall scrolls, not the page
    box = heading.bounding_box()
    assert box is not None
    assert abs(box["y"] - top["y"]) < 2


def test_at_360_px_no_board_phase_scrolls_sideways(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    first = new_card(live, setup, f"Crates {LONG_WORD}")
    second = new_card(live, setup, "Bike couriers", theme=1, kind="question")
    live.change(
        setup.board, live.seeder.official, "card:move", card=second, version=1,
        cluster=first,
    )  # fmt: skip
    live.change(setup.board, live.seeder.official, "board:timer", seconds=600)
    alice = pages.participant(setup, 0, viewport=NARROW)
    facilitator = official_at(pages, setup, NARROW)
    open_every_panel(facilitator)  # they stay open through the reloads

    for phase in PHASES:
        live.change(setup.board, live.seeder.official, "board:phase", phase=phase)
        for page in (alice, facilitator):
            page.reload()
            expect(page.locator("#board-status")).to_have_text("Connected")
            expect(
                page.locator('.board-stepper [aria-current="step"]')
            ).to_have_attribute("data-phase", phase)
            assert page_width(page) <= NARROW["width"], (phase, page.url)
        open_every_panel(facilitator)  # the suggestions come in the cluster phase
        assert page_width(facilitator) <= NARROW["width"], phase


def test_at_360_px_the_staff_workshop_pages_do_not_scroll_sideways(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    facilitator = official_at(pages, setup, NARROW)
    base = f"{live.url}/staff/p/ilfov/workshops"

    for path in (f"/{setup.workshop}", f"/{setup.workshop}/edit", "/new", ""):
        facilitator.goto(base + path)
        expect(facilitator.locator("h1")).to_be_visible()
        assert page_width(facilitator) <= NARROW["width"], path


def test_a_panel_opened_by_keyboard_stays_open_on_that_board_for_the_tab(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    other = live.new_board("ideas")
    facilitator = official_at(pages, setup, LAPTOP)
    panel = facilitator.locator('details[data-panel="votes"]')
    budget = facilitator.get_by_label("Votes per person")
    expect(budget).to_be_hidden()

    summary = panel.locator("summary")
    expect(summary).to_have_text("Votes and spotlight")
    summary.focus()
    facilitator.keyboard.press("Enter")
    expect(budget).to_be_visible()
    facilitator.reload()
    expect(facilitator.locator("#board-status")).to_have_text("Connected")
    expect(budget).to_be_visible()
    facilitator.goto(f"{live.url}/w/{other.workshop}/board")
    expect(facilitator.locator("#board-status")).to_have_text("Connected")
    expect(budget).to_be_hidden()  # another board: its panels as they were

    facilitator.go_back()
    expect(facilitator.locator("#board-status")).to_have_text("Connected")
    expect(panel).to_have_attribute("open", "")
    summary.focus()
    facilitator.keyboard.press("Space")
    expect(budget).to_be_hidden()
    facilitator.reload()
    expect(facilitator.locator("#board-status")).to_have_text("Connected")
    expect(budget).to_be_hidden()


# --- notes, the composer ------------------------------------------------------------


def test_the_compact_composer_opens_and_adds_a_card_shown_as_a_note_of_its_kind(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    idea_id = new_card(live, setup, "Shared pallets")
    alice = pages.participant(setup, 0)
    bob = pages.participant(setup, 1)
    composer = alice.locator(".board-column").nth(1).locator("form.new-card")
    expect(composer.get_by_role("button", name="Add card")).to_be_hidden()
    expect(alice.locator("form.new-card textarea")).to_have_count(5)

    composer.get_by_placeholder("+ Add a card").click()
    expect(composer.get_by_role("button", name="Add card")).to_be_visible()
    composer.get_by_label("New card").fill("Who repairs the pallets?")
    composer.get_by_label("Kind").select_option(label="Question")
    composer.get_by_role("button", name="Add card").click()

    arrived = (
        bob.locator(".board-column")
        .nth(1)
        .locator(".card", has_text="Who repairs the pallets?")
    )
    expect(arrived).to_have_attribute("data-kind", "question")
    expect(arrived.locator(".card__kind")).to_have_text("Question")
    expect(arrived.locator(".card__author")).not_to_be_empty()
    expect(composer.get_by_role("button", name="Add card")).to_be_hidden()
    idea = bob.locator(f"#card-{idea_id}")
    expect(idea).to_have_attribute("data-kind", "idea")
    question_bg, idea_bg = (
        note_.evaluate("c => getComputedStyle(c).backgroundColor")
        for note_ in (arrived, idea)
    )
    assert question_bg != idea_bg
    assert "rgb(255, 255, 255)" not in (question_bg, idea_bg)


# --- drag and drop ------------------------------------------------------------------


def test_a_card_dragged_onto_another_is_clustered_on_another_participants_page(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    crates = new_card(live, setup, "Reusable crates")
    pallets = new_card(live, setup, "Shared pallets", theme=2)
    facilitator = official_at(pages, setup, LAPTOP)
    alice = pages.participant(setup, 0)

    facilitator.locator(f"#card-{pallets} > .card__body").drag_to(
        facilitator.locator(f"#card-{crates} > .card__body")
    )

    expect(
        alice.locator(f"#card-{crates} .card__cluster #card-{pallets}")
    ).to_be_visible()
    moved = live.read(lambda: db.session.get_one(Card, pallets))
    assert (moved.cluster_id, moved.theme_id) == (crates, setup.themes[0])

    facilitator.locator(f"#card-{pallets} > .card__body").drag_to(
        facilitator.locator(".board-column").nth(3).locator("h2")
    )

    column = alice.locator(".board-column").nth(3)
    expect(column.locator(f".card-list > #card-{pallets}")).to_be_visible()
    expect(alice.locator(f"#card-{crates} .card__cluster")).to_be_hidden()


def test_participants_cannot_drag_cards(pages: Pages, live: LiveBoardServer) -> None:
    setup = live.new_board("cluster")
    crates = new_card(live, setup, "Reusable crates")
    alice = pages.participant(setup, 0)

    expect(alice.locator(f"#card-{crates} > .card__body")).not_to_have_attribute(
        "draggable", "true"
    )


# --- the header: stepper, countdown, end cue -----------------------------------------


def test_the_stepper_marks_the_current_phase_as_the_facilitator_moves_on(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    facilitator = pages.official(setup)
    alice = pages.participant(setup, 0)
    steps = alice.locator(".board-stepper li")
    expect(steps).to_have_count(len(PHASES))
    expect(alice.locator('[aria-current="step"]')).to_have_text("Ideas")

    set_phase(facilitator, "vote")

    expect(alice.locator('[aria-current="step"]')).to_have_count(1)
    expect(alice.locator('.board-stepper [aria-current="step"]')).to_have_attribute(
        "data-phase", "vote"
    )


def test_the_timer_counts_down_visibly_and_shows_time_is_up(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    facilitator = pages.official(setup)
    live.change(setup.board, live.seeder.official, "board:timer", seconds=7)
    alice = pages.participant(setup, 0)
    sound = alice.get_by_label("Sound when the time is up")
    expect(sound).not_to_be_checked()
    sound.check()

    timer = alice.locator("#board-timer")
    expect(timer).to_have_text(re.compile(r"^0:0[3-6]$"))
    expect(alice.locator("#board-time-up")).to_be_hidden()
    expect(timer).to_have_text(re.compile(r"^0:0[12]$"))
    expect(alice.get_by_text("Time is up.", exact=True).first).to_be_visible(
        timeout=8000
    )
    expect(timer).to_have_text("0:00")
    expect(alice.locator("#board-announcer")).to_contain_text("Time is up.")

    alice.reload()  # the sound's choice is remembered
    expect(alice.get_by_label("Sound when the time is up")).to_be_checked()
    facilitator.get_by_role("button", name="Stop the timer").click()
    expect(alice.locator("#board-time-up")).to_be_hidden()
    expect(timer).to_have_text("—")


# --- the drafting panel -------------------------------------------------------------


def test_the_draft_panel_opens_beside_a_cluster_in_the_draft_phase_only(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    crates = new_card(live, setup, "Reusable crates")
    pallets = new_card(live, setup, "Shared pallets")
    alone = new_card(live, setup, "Solar roofs", theme=1)
    live.change(
        setup.board, live.seeder.official, "card:move", card=pallets, version=1,
        cluster=crates,
    )  # fmt: skip
    facilitator = pages.official(setup)
    alice = pages.participant(setup, 0)
    draft = "Draft a commitment from this cluster"
    form = alice.locator("#commitment-form")
    expect(form).to_be_hidden()
    expect(alice.get_by_role("button", name=draft)).to_have_count(0)

    set_phase(facilitator, "draft")

    expect(alice.get_by_role("button", name=draft)).to_have_count(1)
    expect(note(alice, alone).get_by_role("button", name=draft)).to_be_hidden()
    note(alice, crates).get_by_role("button", name=draft).click()
    panel = note(alice, crates).locator("#commitment-form")
    expect(panel).to_be_visible()
    expect(panel.get_by_label("Title")).to_be_focused()
    expect(panel.locator(f"#source-card-{crates}")).to_be_checked()
    expect(panel.locator(f"#source-card-{pallets}")).to_be_checked()
    expect(panel.locator(f"#source-card-{alone}")).not_to_be_checked()
    panel.get_by_label("Title").fill("Crates and pallets shared by 10 SMEs")
    panel.get_by_label("Name").fill("Packaging waste")
    panel.get_by_label("Unit").fill("t")
    panel.get_by_label("Baseline").fill("12")
    panel.get_by_label("Target").fill("4")
    panel.get_by_label("Deadline").fill("2029-06-30")
    panel.get_by_role("button", name="Save the commitment").click()

    expect(alice.locator(".commitment", has_text="Crates and pallets")).to_be_visible()
    expect(alice.locator("#draft-home > #commitment-form")).to_be_visible()
    query = select(Commitment).where(Commitment.board_id == setup.board)
    sources = live.read(
        lambda: sorted(c.id for c in db.session.scalars(query).one().source_cards)
    )
    assert sources == [crates, pallets]

    set_phase(facilitator, "vote")

    expect(form).to_be_hidden()
    expect(alice.get_by_role("button", name=draft)).to_have_count(0)
