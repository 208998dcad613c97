"""The facilitator's "Suggested groups" panel in Chromium on a real `python app.py`:
in the cluster phase the facilitator asks for suggestions, unticks a card that does
not belong, accepts a group (ordinary `card:move` changes) and dismisses another; the
cards end up clustered on a participant's page and in the database. The panel is the
facilitator's alone, shows in the cluster phase only, says what happens to screen
readers, passes axe and fits a 360 px screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from extensions import db
from tests.board.conftest import OFFICIAL_EMAIL, BoardSetup
from tests.browser.axe import axe_violations
from tests.browser.conftest import (
    LiveBoardServer,
    Pages,
    fits_the_screen,
    open_panel,
)
from tests.conftest import PASSWORD
from workshops.models import Card

pytestmark = pytest.mark.browser

NARROW: ViewportSize = {"width": 360, "height": 740}
SOLAR = "Solar panels on the roofs of industrial halls"
SOLAR_RO = "Panouri solare pe acoperișurile halelor industriale"
SOLAR_PLAIN = "panouri solare pe acoperisurile halelor"
AUDIT = "Audit energetic gratuit pentru firmele mici"
AUDIT_IT = "Audit energetici gratuiti per le piccole imprese"
OTHER = "Un concurs pentru elevi despre mediu"


def new_cards(live: LiveBoardServer, setup: BoardSetup) -> dict[str, int]:
    made = {}
    for text in (SOLAR, SOLAR_RO, SOLAR_PLAIN, AUDIT, AUDIT_IT, OTHER):
        created = live.change(
            setup.board,
            live.seeder.official,
            "card:create",
            theme=setup.themes[0],
            text=text,
        )
        made[text] = int(created["card"]["id"])
    return made


def clusters(live: LiveBoardServer, ids: dict[str, int]) -> dict[str, int | None]:
    def query() -> dict[str, int | None]:
        rows = {text: db.session.get(Card, id_) for text, id_ in ids.items()}
        return {text: row.cluster_id if row else None for text, row in rows.items()}

    return live.read(query)


def official_on(pages: Pages, setup: BoardSetup, viewport: ViewportSize) -> Page:
    page = pages.new_page(viewport)
    page.goto(pages.live.url + "/login")
    page.locator("[name=email]").fill(OFFICIAL_EMAIL)
    page.locator("[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    return pages.open_board(page, setup)


def set_phase(page: Page, phase: str) -> None:
    """The facilitator moves the board to `phase` with the toolbar's form."""
    page.locator("#phase-select").select_option(phase)
    page.get_by_role("button", name="Set phase").click()


def group_with(page: Page, text: str) -> Locator:
    """The suggested group that lists the card `text`."""
    return page.locator("#suggestions-list > li").filter(
        has=page.get_by_role("checkbox", name=text, exact=True)
    )


def test_the_facilitator_accepts_an_edited_suggestion_and_dismisses_another(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    ids = new_cards(live, setup)
    official = pages.official(setup)
    alice = pages.participant(setup, 0)
    panel = open_panel(official, "suggestions")

    expect(alice.locator("#board-suggestions")).to_have_count(0)
    panel.get_by_role("button", name="Suggest groups").click()
    expect(official.locator("#suggestions-status")).to_have_text("Suggested groups: 2")
    solar = group_with(official, SOLAR)
    expect(solar.get_by_role("checkbox")).to_have_count(3)
    solar.get_by_role("checkbox", name=SOLAR_PLAIN, exact=True).uncheck()
    solar.get_by_role("button", name=re.compile(r"^Accept group \d$")).click()

    head = ids[SOLAR]
    cluster = alice.get_by_role("list", name=f"Cards clustered with card {head}")
    expect(cluster.get_by_role("article", name=SOLAR_RO, exact=True)).to_be_visible()
    expect(official.locator("#board-announcer")).to_contain_text(
        f"accepted: its cards are clustered with card {head}."
    )
    expect(official.locator("#suggestions-list > li")).to_have_count(1)

    audit = group_with(official, AUDIT)
    audit.get_by_role("button", name=re.compile(r"^Dismiss group \d$")).click()
    expect(official.locator("#suggestions-list > li")).to_have_count(0)
    expect(official.locator("#board-announcer")).to_contain_text("dismissed.")

    # Alice saw the move, so the server had committed it.
    assert clusters(live, ids) == {
        SOLAR: None,
        SOLAR_RO: head,
        SOLAR_PLAIN: None,
        AUDIT: None,
        AUDIT_IT: None,
        OTHER: None,
    }


def test_the_panel_shows_in_the_cluster_phase_only_passes_axe_and_fits_360_px(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    new_cards(live, setup)
    official = official_on(pages, setup, NARROW)
    panel = official.locator("#board-suggestions")
    expect(panel).to_be_hidden()

    set_phase(official, "cluster")
    expect(panel).to_be_visible()
    open_panel(official, "suggestions")
    panel.get_by_role("button", name="Suggest groups").click()
    expect(official.locator("#suggestions-list > li")).to_have_count(2)

    assert axe_violations(official) == []
    assert fits_the_screen(official)

    set_phase(official, "draft")
    expect(panel).to_be_hidden()
