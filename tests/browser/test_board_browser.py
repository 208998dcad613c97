"""The live board in real browsers: two Chromium pages on a real `python app.py`
(gevent, Socket.IO over WebSocket) on a SQLite file, participants logged in through
their join links and staff through /login.

(a) a card written on one page appears on the other; (b) an update of a card someone
is editing does not replace their text, they get a "changed by" notice; (c) the
facilitator's phase and timer reach every page; (d) a change made offline waits, is
sent on reconnection and shows once; a change whose first sending was applied but not
acknowledged is sent again with its cid and still shows once."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import LiveBoardServer, Pages, add_card, card_texts

pytestmark = pytest.mark.browser


def test_a_participants_new_card_appears_on_the_other_page(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    alice = pages.participant(setup, 0)
    bob = pages.participant(setup, 1)
    expect(bob.locator("#presence-count")).to_have_text("2")

    add_card(alice, setup, "Reusable crates between neighbours")

    expect(card_texts(bob, "Reusable crates between neighbours")).to_have_count(1)
    expect(card_texts(alice, "Reusable crates between neighbours")).to_have_count(1)
    expect(bob.locator("#board-announcer")).to_contain_text("New card from Participant")
    expect(alice.locator("#board-phase-name")).to_have_text("Ideas")


def test_an_update_does_not_replace_the_text_being_edited(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    author = setup.participants[0]
    card = live.change(
        setup.board, author.person, "card:create", theme=setup.themes[0], text="Crates"
    )["card"]
    alice = pages.participant(setup, 0)
    official = pages.official(setup)
    card_a = alice.locator(f"#card-{card['id']}")
    card_b = official.locator(f"#card-{card['id']}")

    card_a.get_by_role("button", name=f"Edit the text of card {card['id']}").click()
    card_a.locator("textarea").fill("Crates, shared by three shops")
    card_b.get_by_role("button", name=f"Edit the text of card {card['id']}").click()
    card_b.locator("textarea").fill("Crates (facilitator's wording)")
    card_b.get_by_role("button", name="Save").click()

    expect(card_b.locator(".card__text")).to_have_text("Crates (facilitator's wording)")
    notice = card_a.locator(".notice")
    expect(notice).to_contain_text("Changed by Olga Official")
    expect(notice).to_contain_text("Crates (facilitator's wording)")
    expect(card_a.locator("textarea")).to_have_value("Crates, shared by three shops")

    notice.get_by_role("button", name="Keep mine").click()

    expect(card_b.locator(".card__text")).to_have_text("Crates, shared by three shops")
    expect(card_a.locator(".card__text")).to_have_text("Crates, shared by three shops")
    expect(card_a.locator("textarea")).to_be_hidden()


def test_the_facilitators_phase_and_timer_show_on_every_page(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    alice = pages.participant(setup, 0)
    official = pages.official(setup)

    official.locator("#phase-select").select_option("vote")
    official.get_by_role("button", name="Set phase").click()
    official.locator("#timer-minutes").fill("2")
    official.get_by_role("button", name="Start the timer").click()

    for page in (alice, official):
        expect(page.locator("#board-phase-name")).to_have_text("Voting")
        expect(page.locator("#board-timer")).to_have_text(re.compile(r"^(2:00|1:5\d)$"))
    expect(alice.locator("form.new-card").first).to_be_hidden()
    expect(alice.locator("#votes-left")).to_have_text("5")

    official.get_by_role("button", name="Stop the timer").click()

    expect(alice.locator("#board-timer")).to_have_text("—")


def test_a_change_made_offline_is_sent_once_on_reconnection(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    alice = pages.participant(setup, 0)
    bob = pages.participant(setup, 1)
    text = "Written on a train without signal"

    alice.context.set_offline(True)
    expect(alice.locator("#board-status")).not_to_have_text("Connected")
    add_card(alice, setup, text)

    expect(alice.locator("#board-status")).to_contain_text("Changes waiting to send: 1")
    expect(alice.locator(".card--waiting .card__text")).to_have_text(text)
    assert live.cards_with(setup.board, text) == 0
    expect(card_texts(bob, text)).to_have_count(0)

    alice.context.set_offline(False)

    expect(alice.locator("#board-status")).to_have_text("Connected")
    expect(card_texts(bob, text)).to_have_count(1)
    expect(card_texts(alice, text)).to_have_count(1)
    expect(alice.locator(".card--waiting")).to_have_count(0)
    assert live.cards_with(setup.board, text) == 1


def test_a_resent_change_keeps_its_cid_and_is_applied_once(
    pages: Pages, live: LiveBoardServer
) -> None:
    """The page was closed after the server applied a change but before its ack came:
    the outbox kept it, and the reopened page sends it again with the same cid."""
    setup = live.new_board("ideas")
    author = setup.participants[0]
    text = "Sent once, acknowledged never"
    cid = str(uuid.uuid4())
    payload = {"theme": setup.themes[0], "text": text, "kind": "idea"}
    live.change(setup.board, author.person, "card:create", cid=cid, **payload)
    alice = pages.participant(setup, 0)
    bob = pages.participant(setup, 1)
    key = f"greenpact:board:{setup.board}:person:{author.person}:outbox"
    entry = {
        "cid": cid,
        "event": "card:create",
        "payload": {**payload, "board": setup.board},
    }
    alice.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [key, json.dumps([entry])],
    )

    alice.reload()

    expect(alice.locator("#board-status")).to_have_text("Connected")
    expect(card_texts(alice, text)).to_have_count(1)
    expect(card_texts(bob, text)).to_have_count(1)
    alice.wait_for_function("(key) => localStorage.getItem(key) === null", arg=key)
    assert live.cards_with(setup.board, text) == 1


def test_a_missed_event_is_fetched_by_joining_again_with_since(
    pages: Pages, live: LiveBoardServer
) -> None:
    """A change written by another process (here: this test, through the service)
    is never broadcast to the pages: the next event shows them a gap in `seq`, and
    they fetch what they missed by joining again with `since`."""
    setup = live.new_board("ideas")
    alice = pages.participant(setup, 0)
    bob = pages.participant(setup, 1)
    missed = "Written through another server"
    live.change(
        setup.board,
        setup.participants[1].person,
        "card:create",
        theme=setup.themes[0],
        text=missed,
    )
    expect(card_texts(alice, missed)).to_have_count(0)

    add_card(bob, setup, "The next card")

    for page in (alice, bob):
        expect(card_texts(page, "The next card")).to_have_count(1)
        expect(card_texts(page, missed)).to_have_count(1)
        texts = page.locator(".card-list .card__text").all_text_contents()
        assert texts == [missed, "The next card"]


def test_an_official_signs_a_commitment_for_the_public_authority(
    pages: Pages, live: LiveBoardServer
):
    setup = live.new_board(phase="draft")
    lead = setup.participants[0]
    created = live.change(
        setup.board,
        lead.person,
        "commitment:create",
        title="Reusable crates",
        theme=setup.themes[0],
        lead=lead.organisation,
        indicator={"name": "Waste", "unit": "t", "baseline": 120, "target": 80},
        deadline="2028-12-31",
    )
    live.change(setup.board, live.seeder.official, "board:phase", phase="sign")
    page = pages.official(setup)

    commitment = page.locator(f"#commitment-{created['commitment']['id']}")
    commitment.get_by_role("button", name="Sign for the public authority").click()

    expect(commitment.locator(".commitment__signed")).to_have_text(
        "The public authority has signed."
    )
    expect(commitment.locator(".commitment__signatures")).to_contain_text(
        "Ilfov County"
    )
