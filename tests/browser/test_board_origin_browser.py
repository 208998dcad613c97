"""The live board in Chromium on a server started as a fresh deployment starts it:
`python app.py` on a port other than 5000 and no PUBLIC_URL (tests/board/conftest.py
`server_env` passes none), so the page's own origin is what lets it in."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveBoardServer, Pages, add_card, card_texts

pytestmark = pytest.mark.browser


def server_environment(live: LiveBoardServer) -> dict[str, str]:
    """The environment the running `python app.py` was started with."""
    raw = Path(f"/proc/{live.server.process.pid}/environ").read_bytes()
    pairs = (item.split(b"=", 1) for item in raw.split(b"\0") if b"=" in item)
    return {key.decode(): value.decode() for key, value in pairs}


def test_a_board_on_any_port_without_public_url_connects_and_shares_cards(
    pages: Pages, live: LiveBoardServer
):
    environment = server_environment(live)
    assert "PUBLIC_URL" not in environment
    assert environment["PORT"] != "5000"
    assert live.url.endswith(f":{environment['PORT']}")
    setup = live.new_board(phase="ideas")

    writer = pages.participant(setup, 0)  # waits for "Connected"
    reader = pages.participant(setup, 1)
    add_card(writer, setup, "Shared pallets across the industrial park")

    expect(
        card_texts(reader, "Shared pallets across the industrial park")
    ).to_have_count(1)
    assert (
        live.cards_with(setup.board, "Shared pallets across the industrial park") == 1
    )
