"""Every board action a person takes on the live board, driven once in Chromium on a
real `python app.py`: the participants' cards (on a phone), comments, votes and the
vote budget, the commitment form (drafting, editing, and its "Reload / Keep mine"
notice), signing (on a phone), and the facilitator's clustering, merging, hiding,
locking, timer and removing a participant, one of them by keyboard only.

Each test acts through the page as a person would and checks the outcome on a second
page and in the database the server wrote."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import func, select

from commitments.models import Commitment, Signature
from extensions import db
from stakeholders.models import Organisation, Person
from tests.board.conftest import BoardSetup
from tests.browser.conftest import PHONE, LiveBoardServer, Pages, column, new_card
from workshops.models import Board, Card, Comment, Enrolment, Vote

pytestmark = pytest.mark.browser

INDICATOR = {"name": "Packaging waste", "unit": "t", "baseline": 120, "target": 80}


def card(page: Page | Locator, text: str) -> Locator:
    """A card on the page, by its text (each card is an article named by its text)."""
    return page.get_by_role("article", name=text, exact=True)


def new_commitment(live: LiveBoardServer, setup: BoardSetup, title: str) -> int:
    """A commitment the first participant drafted earlier (their organisation leads)."""
    lead = setup.participants[0]
    created = live.change(
        setup.board,
        lead.person,
        "commitment:create",
        title=title,
        action="Crates instead of cardboard",
        theme=setup.themes[0],
        lead=lead.organisation,
        indicator=INDICATOR,
        deadline="2028-12-31",
    )
    return int(created["commitment"]["id"])


def card_row(live: LiveBoardServer, card_id: int) -> dict[str, Any]:
    def query() -> dict[str, Any]:
        row = db.session.get(Card, card_id)
        assert row is not None
        return {
            "text": row.text,
            "kind": row.kind,
            "theme": row.theme_id,
            "hidden": row.hidden,
            "cluster": row.cluster_id,
            "merged_into": row.merged_into_id,
            "deleted": row.deleted,
            "version": row.version,
        }

    return live.read(query)


def card_id_of(live: LiveBoardServer, setup: BoardSetup, text: str) -> int:
    query = select(Card.id).where(Card.board_id == setup.board, Card.text == text)
    return live.read(lambda: int(db.session.scalars(query).one()))


def person_name(live: LiveBoardServer, person_id: int) -> str:
    return live.read(lambda: db.session.get_one(Person, person_id).name)


def organisation_name(live: LiveBoardServer, organisation_id: int) -> str:
    return live.read(lambda: db.session.get_one(Organisation, organisation_id).name)


# --- participants: cards and comments --------------------------------------------


def test_a_participant_on_a_phone_writes_edits_and_deletes_their_card(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    alice = pages.participant(setup, 0, viewport=PHONE)
    bob = pages.participant(setup, 1)

    form = column(alice, setup)
    form.get_by_label("New card").fill("Deposit on crates")
    form.get_by_label("Kind").select_option(label="Need")
    form.get_by_role("button", name="Add card").click()

    expect(card(bob, "Deposit on crates")).to_contain_text("Need")
    card_id = card_id_of(live, setup, "Deposit on crates")
    assert card_row(live, card_id)["kind"] == "need"

    mine = alice.locator(f"#card-{card_id}")
    mine.get_by_role("button", name=f"Edit the text of card {card_id}").click()
    editor = mine.get_by_role("textbox", name=f"Edit the text of card {card_id}")
    expect(editor).to_have_value("Deposit on crates")
    editor.fill("Deposit on crates, refunded at any shop")
    mine.get_by_role("button", name="Save").click()

    expect(card(bob, "Deposit on crates, refunded at any shop")).to_be_visible()
    expect(card(bob, "Deposit on crates")).to_have_count(0)
    row = card_row(live, card_id)
    assert (row["text"], row["version"]) == (
        "Deposit on crates, refunded at any shop",
        2,
    )

    card(alice, "Deposit on crates, refunded at any shop").get_by_role(
        "button", name="Delete"
    ).click()
    confirm = alice.get_by_role("dialog", name="Delete this card?")
    expect(confirm).to_contain_text("Deposit on crates, refunded at any shop")
    confirm.get_by_role("button", name="Delete").click()

    expect(card(bob, "Deposit on crates, refunded at any shop")).to_have_count(0)
    expect(card(alice, "Deposit on crates, refunded at any shop")).to_have_count(0)
    assert card_row(live, card_id)["deleted"] is True


def test_a_comment_on_a_card_reaches_the_other_page(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    card_id = new_card(live, setup, "One delivery van for the whole street")
    alice = pages.participant(setup, 0)
    bob = pages.participant(setup, 1)

    commented = card(alice, "One delivery van for the whole street")
    commented.get_by_text("Comments (0)").click()
    commented.get_by_role("textbox", name=f"Comment on card {card_id}").fill(
        "The bakery would share it"
    )
    commented.get_by_role("button", name="Add a comment").click()

    other = card(bob, "One delivery van for the whole street")
    other.get_by_text("Comments (1)").click()
    alice_name = person_name(live, setup.participants[0].person)
    expect(other.get_by_role("listitem")).to_have_text(
        f"{alice_name}: The bakery would share it"
    )
    expect(commented.get_by_text("Comments (1)")).to_be_visible()
    texts = live.read(
        lambda: list(
            db.session.scalars(select(Comment.text).where(Comment.card_id == card_id))
        )
    )
    assert texts == ["The bakery would share it"]


# --- the facilitator's cards ------------------------------------------------------


def test_the_facilitator_clusters_cards_and_moves_a_cluster_into_another(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    crates = new_card(live, setup, "Crates")
    boxes = new_card(live, setup, "Reusable boxes")
    pallets = new_card(live, setup, "Pallet pooling", theme=1)
    official = pages.official(setup)
    alice = pages.participant(setup, 0)

    card(official, "Reusable boxes").get_by_role("button", name="Pick").click()
    card(official, "Crates").get_by_role(
        "button", name="Cluster picked cards here"
    ).click()

    crates_cluster = alice.get_by_role(
        "list", name=f"Cards clustered with card {crates}"
    )
    expect(card(crates_cluster, "Reusable boxes")).to_be_visible()
    assert card_row(live, boxes)["cluster"] == crates

    # The head of a cluster moved into another cluster takes its members along,
    # into the other cluster's column.
    card(official, "Crates").get_by_role("button", name="Pick").click()
    card(official, "Pallet pooling").get_by_role(
        "button", name="Cluster picked cards here"
    ).click()

    pallets_cluster = alice.get_by_role(
        "list", name=f"Cards clustered with card {pallets}"
    )
    for page in (alice, official):
        cluster = page.get_by_role("list", name=f"Cards clustered with card {pallets}")
        expect(card(cluster, "Crates")).to_be_visible()
        expect(card(cluster, "Reusable boxes")).to_be_visible()
        expect(card(column(page, setup, 1), "Reusable boxes")).to_be_visible()
    assert (card_row(live, crates)["cluster"], card_row(live, boxes)["cluster"]) == (
        pallets,
        pallets,
    )

    card(official, "Reusable boxes").get_by_role(
        "button", name="Take out of the cluster"
    ).click()

    expect(card(pallets_cluster, "Reusable boxes")).to_have_count(0)
    expect(card(column(alice, setup, 0), "Reusable boxes")).to_be_visible()
    assert card_row(live, boxes)["cluster"] is None


def test_the_facilitator_merges_picked_cards_into_one(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    crates = new_card(live, setup, "Crates")
    boxes = new_card(live, setup, "Crates again")
    official = pages.official(setup)
    alice = pages.participant(setup, 0)
    expect(card(alice, "Crates again")).to_be_visible()

    card(official, "Crates again").get_by_role("button", name="Pick").click()
    expect(
        card(official, "Crates again").get_by_role("button", name="Picked")
    ).to_have_attribute("aria-pressed", "true")
    card(official, "Crates").get_by_role(
        "button", name="Merge picked cards into this one"
    ).click()

    expect(card(alice, "Crates again")).to_have_count(0)
    expect(card(alice, "Crates")).to_be_visible()
    expect(card(official, "Crates again")).to_contain_text(f"Merged into card {crates}")
    expect(card(official, "Crates")).to_contain_text("1 merged")
    row = card_row(live, boxes)
    assert (row["merged_into"], row["hidden"]) == (crates, True)


def test_the_facilitator_hides_a_card_and_shows_it_again(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("cluster")
    card_id = new_card(live, setup, "Off-topic advert")
    official = pages.official(setup)
    alice = pages.participant(setup, 0)
    expect(card(alice, "Off-topic advert")).to_be_visible()

    card(official, "Off-topic advert").get_by_role("button", name="Hide").click()

    expect(card(alice, "Off-topic advert")).to_have_count(0)
    hidden = card(official, "Off-topic advert")
    expect(hidden).to_contain_text("Hidden")
    assert card_row(live, card_id)["hidden"] is True

    hidden.get_by_role("button", name="Show").click()

    expect(card(alice, "Off-topic advert")).to_be_visible()
    assert card_row(live, card_id)["hidden"] is False


# --- the facilitator's board controls ----------------------------------------------


def board_row(live: LiveBoardServer, board_id: int) -> Board:
    def query() -> Board:
        board = db.session.get_one(Board, board_id)
        db.session.expunge(board)
        return board

    return live.read(query)


def test_the_facilitator_locks_the_board_and_stops_the_timer_by_keyboard(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    live.change(setup.board, live.seeder.official, "board:timer", seconds=600)
    official = pages.official(setup)
    alice = pages.participant(setup, 0)
    expect(alice.locator("#board-timer")).to_have_text(re.compile(r"^(10:00|9:5\d)$"))
    lock = official.get_by_role("button", name="Lock the board")

    official.get_by_role("button", name="Set phase").focus()
    official.keyboard.press("Tab")
    expect(lock).to_be_focused()
    official.keyboard.press("Enter")

    expect(alice.get_by_text("Locked", exact=True)).to_be_visible()
    expect(column(alice, setup).get_by_label("New card")).to_be_hidden()
    expect(lock).to_have_attribute("aria-pressed", "true")
    assert board_row(live, setup.board).locked is True

    official.keyboard.press("Tab")
    expect(official.get_by_label("Minutes")).to_be_focused()
    official.keyboard.press("Tab")
    official.keyboard.press("Tab")
    stop = official.get_by_role("button", name="Stop the timer")
    expect(stop).to_be_focused()
    official.keyboard.press("Space")

    expect(alice.locator("#board-timer")).to_have_text("—")
    assert board_row(live, setup.board).timer_ends_at is None

    official.keyboard.press("Shift+Tab")
    official.keyboard.press("Shift+Tab")
    official.keyboard.press("Shift+Tab")
    expect(lock).to_be_focused()
    official.keyboard.press("Enter")

    expect(alice.get_by_text("Locked", exact=True)).to_be_hidden()
    expect(column(alice, setup).get_by_label("New card")).to_be_visible()
    assert board_row(live, setup.board).locked is False


def test_a_facilitator_removes_a_participant_who_sees_why(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    bob_seat = setup.participants[1]
    bob_name = person_name(live, bob_seat.person)
    official = pages.official(setup)
    bob = pages.participant(setup, 1)
    expect(official.locator("#presence-count")).to_have_text("2")

    official.get_by_role("button", name=f"Remove {bob_name}").click()
    dialog = official.get_by_role("dialog", name=f"Remove {bob_name}")
    dialog.get_by_label(f"Why is {bob_name} removed from the board?").fill(
        "Advertising his shop on every card"
    )
    dialog.get_by_role("button", name=f"Remove {bob_name}").click()

    why = "You were removed from this board. Advertising his shop on every card"
    expect(bob.get_by_role("alert")).to_have_text(why)
    expect(bob.get_by_role("status")).to_have_text(why)
    expect(column(bob, setup).get_by_label("New card")).to_be_hidden()
    expect(official.locator("#presence-count")).to_have_text("1")
    expect(official.get_by_role("button", name=f"Remove {bob_name}")).to_have_count(0)
    enrolment = select(Enrolment.removed, Enrolment.removed_reason).where(
        Enrolment.workshop_id == setup.workshop, Enrolment.person_id == bob_seat.person
    )
    removed = live.read(lambda: tuple(db.session.execute(enrolment).one()))
    assert removed == (True, "Advertising his shop on every card")


def test_a_facilitator_who_cancels_the_removal_dialog_removes_nobody(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("ideas")
    bob_seat = setup.participants[1]
    bob_name = person_name(live, bob_seat.person)
    official = pages.official(setup)
    pages.participant(setup, 1)
    expect(official.locator("#presence-count")).to_have_text("2")

    official.get_by_role("button", name=f"Remove {bob_name}").click()
    dialog = official.get_by_role("dialog", name=f"Remove {bob_name}")
    dialog.get_by_role("button", name="Cancel").click()

    expect(dialog).to_be_hidden()
    expect(official.locator("#presence-count")).to_have_text("2")
    enrolment = select(Enrolment.removed).where(
        Enrolment.workshop_id == setup.workshop, Enrolment.person_id == bob_seat.person
    )
    assert live.read(lambda: db.session.execute(enrolment).scalar_one()) is False


# --- votes ---------------------------------------------------------------------------


def test_a_participant_votes_takes_a_vote_back_and_runs_out_of_votes(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("vote")
    crates = new_card(live, setup, "Crates")
    vans = new_card(live, setup, "Shared vans")
    # Revealed from the start: Bob sees the totals as they change.
    live.change(setup.board, live.seeder.official, "vote:reveal", revealed=True)
    alice = pages.participant(setup, 0)
    bob = pages.participant(setup, 1)
    votes_left = alice.locator("#votes-left")
    expect(votes_left).to_have_text("5")
    vote_crates = alice.get_by_role("button", name=f"Vote for card {crates}")
    vote_vans = alice.get_by_role("button", name=f"Vote for card {vans}")

    for left in ("4", "3", "2"):
        vote_crates.click()
        expect(votes_left).to_have_text(left)
    vote_vans.click()
    expect(card(bob, "Crates")).to_contain_text("Votes: 3")
    expect(card(bob, "Shared vans")).to_contain_text("Votes: 1")
    expect(card(alice, "Crates")).to_contain_text("yours: 3")

    card(alice, "Crates").get_by_role("button", name="Take back a vote").click()

    expect(card(bob, "Crates")).to_contain_text("Votes: 2")
    expect(votes_left).to_have_text("2")

    vote_vans.click()
    expect(votes_left).to_have_text("1")
    vote_vans.click()

    expect(votes_left).to_have_text("0")
    expect(vote_crates).to_be_disabled()
    expect(vote_vans).to_be_disabled()
    expect(card(bob, "Shared vans")).to_contain_text("Votes: 3")
    expect(bob.get_by_role("button", name=f"Vote for card {vans}")).to_be_enabled()
    alice_votes = select(Vote.card_id, func.count()).where(
        Vote.person_id == setup.participants[0].person
    )
    counts = live.read(
        lambda: {
            card_id: count
            for card_id, count in db.session.execute(alice_votes.group_by(Vote.card_id))
        }
    )
    assert counts == {crates: 2, vans: 3}


# --- commitments ----------------------------------------------------------------------


def commitment_form(page: Page) -> Locator:
    return page.locator("#commitment-form")


def test_a_participant_drafts_a_commitment_with_the_form(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("draft")
    source = new_card(live, setup, "Crates between neighbours")
    alice = pages.participant(setup, 0)
    official = pages.official(setup)
    lead = organisation_name(live, setup.participants[0].organisation)

    form = alice.get_by_role("form", name="New commitment")
    form.get_by_label("Title").fill("Reusable crates for 20 shops")
    form.get_by_label("Action").fill("Swap cardboard for deposit crates")
    expect(form.get_by_label("Lead organisation")).to_have_value(
        str(setup.participants[0].organisation)
    )
    form.get_by_label("Name").fill("Packaging waste")
    form.get_by_label("Unit").fill("t")
    form.get_by_label("Baseline").fill("120")
    form.get_by_label("Target").fill("80")
    form.get_by_label("Deadline").fill("2028-12-31")
    form.get_by_label("Support requested").fill("A washing station")
    form.get_by_label("Crates between neighbours").check()
    form.get_by_role("button", name="Save the commitment").click()

    drafted = official.locator(".commitment", has_text="Reusable crates for 20 shops")
    expect(drafted).to_contain_text(lead)
    expect(drafted).to_contain_text("Packaging waste: 120 → 80 t")
    expect(drafted).to_contain_text("2028-12-31")
    expect(drafted).to_contain_text(f"#{source}")
    expect(form.get_by_label("Title")).to_have_value("")

    def query() -> dict[str, Any]:
        row = db.session.scalars(
            select(Commitment).where(Commitment.board_id == setup.board)
        ).one()
        return {
            "title": row.title,
            "lead": row.lead_organisation_id,
            "indicator": (row.indicator_name, row.indicator_baseline),
            "deadline": row.deadline,
            "sources": [card.id for card in row.source_cards],
            "support": row.support_requested,
        }

    assert live.read(query) == {
        "title": "Reusable crates for 20 shops",
        "lead": setup.participants[0].organisation,
        "indicator": ("Packaging waste", 120),
        "deadline": date(2028, 12, 31),
        "sources": [source],
        "support": "A washing station",
    }


def test_editing_a_commitment_someone_changed_meanwhile_offers_reload_or_keep_mine(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("draft")
    commitment = new_commitment(live, setup, "Reusable crates")
    alice = pages.participant(setup, 0)
    official = pages.official(setup)
    item = f"#commitment-{commitment}"
    form, theirs = commitment_form(alice), commitment_form(official)

    alice.locator(item).get_by_role("button", name="Edit").click()
    expect(form.get_by_label("Title")).to_have_value("Reusable crates")
    form.get_by_label("Title").fill("Reusable crates for 20 shops")
    official.locator(item).get_by_role("button", name="Edit").click()
    theirs.get_by_label("Action").fill("Deposit crates, washed weekly")
    theirs.get_by_role("button", name="Save the commitment").click()

    notice = form.get_by_role("alert")
    expect(notice).to_contain_text("Changed by Olga Official")
    expect(form.get_by_label("Title")).to_have_value("Reusable crates for 20 shops")

    notice.get_by_role("button", name="Reload").click()

    expect(form.get_by_label("Action")).to_have_value("Deposit crates, washed weekly")
    expect(form.get_by_label("Title")).to_have_value("Reusable crates")
    expect(notice).to_be_hidden()

    form.get_by_label("Title").fill("Reusable crates for 20 shops")
    official.locator(item).get_by_role("button", name="Edit").click()
    theirs.get_by_label("Title").fill("Crates (the official's title)")
    theirs.get_by_role("button", name="Save the commitment").click()
    expect(notice).to_contain_text("Crates (the official's title)")

    notice.get_by_role("button", name="Keep mine").click()

    expect(official.locator(item).get_by_role("heading")).to_have_text(
        "Reusable crates for 20 shops"
    )
    expect(alice.locator(item)).to_contain_text("Deposit crates, washed weekly")
    expect(alice.get_by_role("form", name="New commitment")).to_be_visible()
    saved = live.read(
        lambda: (
            db.session.get_one(Commitment, commitment).title,
            db.session.get_one(Commitment, commitment).action,
            db.session.get_one(Commitment, commitment).version,
        )
    )
    assert saved == ("Reusable crates for 20 shops", "Deposit crates, washed weekly", 4)


def test_a_participant_on_a_phone_signs_for_their_organisation(
    pages: Pages, live: LiveBoardServer
) -> None:
    setup = live.new_board("draft")
    commitment = new_commitment(live, setup, "Reusable crates")
    live.change(setup.board, live.seeder.official, "board:phase", phase="sign")
    seat = setup.participants[0]
    alice = pages.participant(setup, 0, viewport=PHONE)
    official = pages.official(setup)
    item = f"#commitment-{commitment}"

    alice.locator(item).get_by_role("button", name="Sign for my organisation").click()

    expect(alice.locator(item)).to_contain_text("Your organisation has signed.")
    expect(
        alice.locator(item).get_by_role("button", name="Sign for my organisation")
    ).to_have_count(0)
    organisation = organisation_name(live, seat.organisation)
    signed = official.locator(item)
    expect(signed.get_by_role("listitem")).to_have_text(
        f"{organisation} ({person_name(live, seat.person)})"
    )
    # Signed in the room, it is still a proposal until an official agrees it.
    expect(signed.get_by_text("Draft", exact=True)).to_be_visible()
    expect(signed.get_by_text("Signed", exact=True)).to_have_count(0)
    signed_by = select(Signature.organisation_id, Signature.person_id).where(
        Signature.commitment_id == commitment
    )
    signatures = live.read(
        lambda: [tuple(row) for row in db.session.execute(signed_by)]
    )
    assert signatures == [(seat.organisation, seat.person)]
