"""Issue 19's combined journey in Chromium on a real `python app.py`: a facilitator,
two participants and the projector screen. The participants write cards; the
facilitator clusters one by dragging it onto another and one by keyboard (the Move
dialog, then Pick and "Cluster picked cards here"); puts a card in the spotlight (on
both participants' pages and on the screen); sets the votes, the participants vote
with the totals hidden (on the screen too), the reveal sorts the pages and shows the
results on the screen; a short timer's "Time is up" shows on a page and on the screen.
Also: the screen fits 1280×720 and 1920×1080 (no scrolling) and 360 px (no sideways
scrolling), passes axe, and shows the signatures as they come in the sign phase."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, ViewportSize, expect

from extensions import db
from tests.board.conftest import OFFICIAL_EMAIL, BoardClient, BoardSetup
from tests.browser.axe import axe_violations
from tests.browser.board_votes import (
    card_order,
    release_spotlight,
    reveal_votes,
    set_vote_settings,
    spotlight,
    spotlight_panel,
)
from tests.browser.conftest import (
    LiveBoardServer,
    Pages,
    add_card,
    column,
    fits_the_screen,
)
from tests.browser.test_board_keyboard_browser import card_id, tab_to
from tests.browser.test_board_wall_browser import set_phase
from tests.conftest import PASSWORD
from workshops.models import Card, Workshop

pytestmark = pytest.mark.browser

PROJECTOR: ViewportSize = {"width": 1280, "height": 720}
FULL_HD: ViewportSize = {"width": 1920, "height": 1080}
LAPTOP: ViewportSize = {"width": 1280, "height": 800}
NARROW: ViewportSize = {"width": 360, "height": 740}


def logged_in(pages: Pages, viewport: ViewportSize) -> Page:
    page = pages.new_page(viewport)
    page.goto(pages.live.url + "/login")
    page.locator("[name=email]").fill(OFFICIAL_EMAIL)
    page.locator("[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("form.form button[type=submit]").click()
    return page


def projector(pages: Pages, setup: BoardSetup, viewport: ViewportSize) -> Page:
    """The pact's official's projector screen, connected to the board."""
    page = logged_in(pages, viewport)
    page.goto(pages.live.url + f"/w/{setup.workshop}/screen")
    expect(page.locator("#screen-status")).to_have_text("Connected")
    return page


def facilitator_page(pages: Pages, setup: BoardSetup) -> Page:
    return pages.open_board(logged_in(pages, LAPTOP), setup)


def start_timer(live: LiveBoardServer, setup: BoardSetup, seconds: int) -> None:
    """The facilitator starts a timer of a few seconds over the board's protocol,
    with their staff token (the toolbar counts in whole minutes)."""
    client = BoardClient()
    try:
        client.open(live.url, setup.facilitator)
        assert client.join(setup.board)["ok"]
        assert client.change(setup.board, "board:timer", seconds=seconds)["ok"]
    finally:
        client.disconnect()


def on_screen(screen: Page, card: int) -> Locator:
    return screen.locator(f'#screen-wall .screen-card[data-card="{card}"]')


def test_a_facilitator_two_participants_and_the_projector_screen_run_a_workshop(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    facilitator = facilitator_page(pages, setup)
    alice = pages.participant(setup, 0)
    bob = pages.participant(setup, 1)
    screen = projector(pages, setup, PROJECTOR)
    expect(screen.locator("#screen-presence")).to_have_text("3")

    # Ideas: cards written on the participants' pages reach the screen.
    texts = ["Reusable crates", "Shared pallets", "Crates that come back", "Bins"]
    for page, text in zip((alice, bob, alice, bob), texts, strict=True):
        add_card(page, setup, text)
        expect(screen.locator(".screen-card__text", has_text=text)).to_be_visible()
    crates, pallets, again, bins = (card_id(live, setup, text) for text in texts)
    for card in (crates, pallets, again, bins):
        expect(on_screen(screen, card)).to_be_visible()

    # Clustering: by drag and drop, then by keyboard.
    set_phase(facilitator, "cluster")
    facilitator.locator(f"#card-{pallets} > .card__body").drag_to(
        facilitator.locator(f"#card-{crates} > .card__body")
    )
    for page in (alice, bob):
        expect(
            page.locator(f"#card-{crates} .card__cluster #card-{pallets}")
        ).to_be_visible()
    expect(
        screen.locator(
            f'[data-card="{crates}"] .screen-cards--cluster [data-card="{pallets}"]'
        )
    ).to_be_visible()

    tab_to(facilitator, f'#card-{again} [data-action="move"]')
    facilitator.keyboard.press("Enter")
    dialog = facilitator.get_by_role("dialog", name="Move a card to another theme")
    expect(dialog.get_by_label("Theme")).to_be_focused()
    facilitator.keyboard.press("ArrowDown")
    facilitator.keyboard.press("Tab")
    facilitator.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    expect(column(alice, setup, 1).locator(f"#card-{again}")).to_be_visible()
    expect(
        screen.locator(
            f'.screen-column[data-theme="{setup.themes[1]}"] [data-card="{again}"]'
        )
    ).to_be_visible()
    tab_to(facilitator, f'#card-{again} [data-action="pick"]')
    facilitator.keyboard.press("Enter")
    tab_to(facilitator, f'#card-{crates} [data-action="cluster-here"]')
    facilitator.keyboard.press("Enter")
    for page in (alice, bob):
        expect(
            page.locator(f"#card-{crates} .card__cluster #card-{again}")
        ).to_be_visible()
    expect(
        screen.locator(
            f'[data-card="{crates}"] .screen-cards--cluster [data-card="{again}"]'
        )
    ).to_be_visible()
    clustered = live.read(
        lambda: [db.session.get_one(Card, c).cluster_id for c in (pallets, again)]
    )
    assert clustered == [crates, crates]

    # The spotlight: large on both participants' pages and on the screen.
    spotlight(facilitator, "card", bins)
    for page in (alice, bob):
        expect(spotlight_panel(page)).to_contain_text("Bins")
    expect(screen.locator("#screen-spotlight")).to_be_visible()
    expect(screen.locator(".screen-spotlight__text")).to_have_text("Bins")
    assert axe_violations(screen) == []
    facilitator.keyboard.press("Escape")  # the facilitator's own panel
    release_spotlight(facilitator)
    for page in (alice, bob):
        expect(spotlight_panel(page)).to_be_hidden()
    expect(screen.locator("#screen-spotlight")).to_be_hidden()

    # Votes: hidden while the participants vote, on the screen too; then revealed.
    set_phase(facilitator, "vote")
    set_vote_settings(facilitator, budget=3, per_card=2)
    expect(alice.locator("#vote-budget")).to_have_text("3")
    alice.get_by_role("button", name=f"Vote for card {bins}").click()
    alice.get_by_role("button", name=f"Vote for card {bins}").click()
    bob.get_by_role("button", name=f"Vote for card {bins}").click()
    bob.get_by_role("button", name=f"Vote for card {crates}").click()
    expect(bob.locator("#votes-left")).to_have_text("1")
    expect(facilitator.locator(f"#card-{bins}")).to_contain_text("Votes: 3")
    expect(screen.locator("#screen-votes-note")).to_contain_text("hidden")
    expect(screen.locator("#screen-results")).to_be_hidden()
    expect(screen.locator(".screen-card__votes")).to_have_count(0)
    for page in (alice, bob):
        expect(page.locator("#votes-hidden-note")).to_contain_text("hidden")
        assert card_order(page, column(page, setup)) == [crates, bins]

    reveal_votes(facilitator)

    for page in (alice, bob):
        expect(page.locator(f"#card-{bins}")).to_contain_text("Votes: 3")
        expect(column(page, setup).locator("ol.card-list > li.card").first).to_have_id(
            f"card-{bins}"
        )
        assert card_order(page, column(page, setup)) == [bins, crates]
    results = screen.locator("#screen-results-list > li")
    expect(results.first).to_contain_text("Votes: 3")
    expect(results.first).to_contain_text("Bins")
    expect(results.nth(1)).to_contain_text("Votes: 1")
    expect(results.nth(1)).to_contain_text("Reusable crates")
    expect(screen.locator("#screen-votes-note")).to_be_hidden()
    expect(on_screen(screen, bins).locator(".screen-card__votes")).to_have_text(
        "Votes: 3"
    )

    assert axe_violations(screen) == []

    # A short timer: its end shows on a page and on the screen.
    start_timer(live, setup, seconds=2)
    expect(alice.locator("#board-time-up")).to_be_visible(timeout=8000)
    expect(screen.locator("#screen-time-up")).to_be_visible(timeout=8000)
    expect(screen.locator("#screen-timer")).to_have_text("0:00")
    assert fits_the_screen(screen)
    assert axe_violations(screen) == []


def test_the_screen_fits_a_projector_passes_axe_and_never_shows_a_hidden_card(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    long_word = "Reutilizarea" * 12
    for theme, text in enumerate(["Crates", long_word, "Vans", "Bins", "Bikes"]):
        live.change(
            setup.board,
            live.seeder.official,
            "card:create",
            theme=setup.themes[theme],
            text=text,
        )
    rude = live.change(
        setup.board,
        live.seeder.official,
        "card:create",
        theme=setup.themes[0],
        text="Rude words",
    )["card"]["id"]
    live.change(setup.board, live.seeder.official, "card:hide", card=rude, hidden=True)
    join_code = live.read(
        lambda: db.session.get_one(Workshop, setup.workshop).join_code
    )

    narrow = projector(pages, setup, NARROW)
    assert fits_the_screen(narrow)
    assert axe_violations(narrow) == []
    for viewport in (PROJECTOR, FULL_HD):
        screen = projector(pages, setup, viewport)
        expect(screen.locator(".screen-join__code")).to_have_text(join_code)
        expect(screen.get_by_role("img", name=re.compile("QR code of"))).to_be_visible()
        expect(screen.locator("#screen-wall .screen-card")).to_have_count(5)
        expect(screen.get_by_text("Rude words")).to_have_count(0)
        assert fits_the_screen(screen)
        # Every column side by side, in view.
        for box in screen.locator(".screen-column").evaluate_all(
            "nodes => nodes.map(n => n.getBoundingClientRect().toJSON())"
        ):
            assert box["right"] <= viewport["width"], viewport
            assert box["top"] < viewport["height"] / 3, viewport
        # Five columns of short cards need no scrolling down either.
        assert screen.evaluate(
            "document.documentElement.scrollHeight <= window.innerHeight"
        ), viewport
        assert axe_violations(screen) == []


def test_signatures_appear_on_the_screen_in_the_sign_phase(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("draft")
    alice_seat = setup.participants[0]
    created = live.change(
        setup.board,
        alice_seat.person,
        "commitment:create",
        title="Reusable crates for 20 bakeries",
        action="Crates instead of cardboard",
        theme=setup.themes[0],
        lead=alice_seat.organisation,
        indicator={"name": "Waste", "unit": "t", "baseline": 120, "target": 80},
        deadline="2031-06-30",
        support_requested="",
        source_cards=[],
    )
    live.change(setup.board, live.seeder.official, "board:phase", phase="sign")
    alice = pages.participant(setup, 0)
    screen = projector(pages, setup, PROJECTOR)
    signatures = screen.locator("#screen-signatures")
    expect(signatures).to_be_visible()
    expect(signatures).to_contain_text("Reusable crates for 20 bakeries")
    expect(signatures).to_contain_text("Not signed yet.")

    alice.get_by_role("button", name="Sign for my organisation").click()

    new = signatures.locator(".screen-signature--new")
    expect(new).to_have_count(1)
    commitment = created["commitment"]["id"]
    expect(signatures.locator(f'[data-commitment="{commitment}"]')).not_to_contain_text(
        "Not signed yet."
    )
    assert axe_violations(screen) == []
