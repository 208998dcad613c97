"""The workshop agenda on the live board, in Chromium on a real `python app.py`: the
facilitator sees the current step, what comes next ("Next: Ideas, 25 minutes") and
the time left; one click on "Go to next" sends the ordinary `board:phase` and
`board:timer` changes, and a participant's page follows: new phase, the step's
minutes on the timer, the current step marked in their read-only agenda. The panel
passes axe and fits a 360 px screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ViewportSize, expect

from tests.browser.axe import axe_violations
from tests.browser.conftest import (
    LiveBoardServer,
    Pages,
    fits_the_screen,
    open_panel,
    with_agenda,
)

pytestmark = pytest.mark.browser

NARROW: ViewportSize = {"width": 360, "height": 740}


def test_go_to_next_moves_everyone_to_the_next_step_with_its_timer(
    live: LiveBoardServer, pages: Pages
):
    setup = with_agenda(live, "co-creation")
    facilitator = pages.official(setup)
    open_panel(facilitator, "agenda")
    participant = pages.participant(setup, 0, NARROW)

    expect(facilitator.locator("#agenda-current")).to_have_text("Lobby")
    expect(facilitator.locator("#agenda-next")).to_have_text("Next: Ideas, 25 minutes")
    # Participants see the agenda, not the controls.
    expect(participant.locator("#agenda-list > li")).to_have_count(6)
    expect(participant.get_by_role("button", name="Go to next")).to_have_count(0)

    facilitator.get_by_role("button", name="Go to next").click()

    expect(participant.locator("#board-phase-name")).to_have_text("Ideas")
    expect(participant.locator("#board-timer")).to_have_text(
        re.compile(r"^2[45]:\d\d$")
    )
    current = participant.locator('#agenda-list > li[aria-current="step"]')
    expect(current).to_have_text("Ideas · 25 minutes")
    expect(facilitator.locator("#agenda-current")).to_have_text("Ideas")
    expect(facilitator.locator("#agenda-left")).to_have_text(
        re.compile(r"^2[45]:\d\d$")
    )
    # The co-creation template votes on the clusters before drafting.
    expect(facilitator.locator("#agenda-next")).to_have_text(
        "Next: Clustering, 20 minutes"
    )
    facilitator.get_by_role("button", name="Go to next").click()
    expect(participant.locator("#board-phase-name")).to_have_text("Clustering")
    expect(participant.locator("#board-timer")).to_have_text(
        re.compile(r"^(20:00|19:\d\d)$")
    )
    expect(facilitator.locator("#agenda-next")).to_have_text("Next: Voting, 15 minutes")

    assert fits_the_screen(participant)
    assert axe_violations(facilitator) == []
    assert axe_violations(participant) == []


def test_past_the_last_step_go_to_next_closes_the_board(
    live: LiveBoardServer, pages: Pages
):
    setup = with_agenda(live, "signing")
    facilitator = pages.official(setup)
    open_panel(facilitator, "agenda")
    participant = pages.participant(setup, 1)
    for phase in ("Drafting commitments", "Voting", "Signing"):
        facilitator.get_by_role("button", name="Go to next").click()
        expect(participant.locator("#board-phase-name")).to_have_text(phase)
    expect(facilitator.locator("#agenda-next")).to_have_text("Next: close the board")
    facilitator.get_by_role("button", name="Go to next").click()
    expect(participant.locator("#board-phase-name")).to_have_text("Closed")
