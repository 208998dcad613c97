"""`cluster:suggest` against the live server (a real `python app.py`, real
WebSockets): the facilitator alone gets suggested groups, in the cluster phase only;
asking changes nothing (no event, no seq); hidden, merged and already clustered
cards are left out; accepting a group is ordinary `card:move` / `card:merge` changes
that every client receives in `seq` order with no gap."""

from __future__ import annotations

import time
from typing import Any

from tests.board.conftest import (
    BoardClient,
    BoardSetup,
    LiveBoard,
    consecutive,
)

SETTLE = 0.3
SOLAR = (
    "Solar panels on the roofs of industrial halls",
    "Panouri solare pe acoperișurile halelor industriale",
    "panouri solare pe acoperisurile halelor",
)
AUDIT = (
    "Audit energetic gratuit pentru firmele mici",
    "Audit energetici gratuiti per le piccole imprese",
)
OTHER = "Un concurs pentru elevi despre mediu"


def suggest(client: BoardClient, board: int, **fields: object) -> dict[str, Any]:
    return client.ack("cluster:suggest", {"board": board, **fields})


def board_with_cards(
    live_board: LiveBoard,
) -> tuple[BoardSetup, BoardClient, dict[str, Any]]:
    """A board in the cluster phase, its facilitator joined, and its cards by text
    (written by the first participant in the ideas phase, the second theme holding
    the audits)."""
    setup = live_board.new_board(2)
    facilitator = live_board.joined(setup.facilitator, setup.board)
    writer = live_board.joined(setup.participants[0].token, setup.board)
    assert facilitator.change(setup.board, "board:phase", phase="ideas")["ok"]
    theme, other_theme = setup.themes[:2]
    cards = {}
    for text in (*SOLAR, OTHER):
        ack = writer.change(setup.board, "card:create", theme=theme, text=text)
        cards[text] = ack["card"]
    for text in AUDIT:
        ack = writer.change(setup.board, "card:create", theme=other_theme, text=text)
        cards[text] = ack["card"]
    assert facilitator.change(setup.board, "board:phase", phase="cluster")["ok"]
    return setup, facilitator, cards


def ids(cards: dict[str, Any], texts: tuple[str, ...]) -> set[int]:
    return {cards[text]["id"] for text in texts}


def test_only_the_facilitator_gets_suggestions_and_only_in_the_cluster_phase(
    live_board: LiveBoard,
) -> None:
    setup, facilitator, cards = board_with_cards(live_board)
    participant = live_board.joined(setup.participants[1].token, setup.board)

    refused = suggest(participant, setup.board)
    answered = suggest(facilitator, setup.board)

    assert refused["ok"] is False
    assert refused["error"]["code"] == "forbidden"
    assert answered["ok"] is True
    assert "seq" not in answered
    groups = [set(group["cards"]) for group in answered["groups"]]
    assert sorted(groups, key=len) == [ids(cards, AUDIT), ids(cards, SOLAR)]
    labels = {group["label"] for group in answered["groups"]}
    assert labels <= set(SOLAR) | set(AUDIT)

    assert facilitator.change(setup.board, "board:phase", phase="draft")["ok"]
    late = suggest(facilitator, setup.board)
    assert late["ok"] is False
    assert late["error"]["code"] == "phase"


def test_asking_changes_nothing_and_no_event_is_sent(live_board: LiveBoard) -> None:
    setup, facilitator, _cards = board_with_cards(live_board)
    watcher = live_board.joined(setup.participants[1].token, setup.board)
    before = facilitator.join(setup.board)["seq"]

    for _n in range(3):
        assert suggest(facilitator, setup.board)["ok"]
    time.sleep(SETTLE)

    assert facilitator.join(setup.board)["seq"] == before
    assert watcher.seqs(setup.board) == []
    assert all(e["seq"] <= before for e in facilitator.events_of(setup.board))


def test_one_theme_and_bad_requests(live_board: LiveBoard) -> None:
    setup, facilitator, cards = board_with_cards(live_board)

    one_theme = suggest(facilitator, setup.board, theme=setup.themes[1])
    unknown = suggest(facilitator, setup.board, theme=2_000_000_000)
    wrong_type = suggest(facilitator, setup.board, theme="2")
    no_board = facilitator.ack("cluster:suggest", {"theme": setup.themes[1]})

    assert [set(g["cards"]) for g in one_theme["groups"]] == [ids(cards, AUDIT)]
    assert unknown["error"]["code"] == "not_found"
    assert wrong_type["error"]["code"] == "invalid"
    assert wrong_type["error"]["fields"] == {"theme": "wrong type"}
    assert no_board["error"]["code"] == "invalid"


def test_accepting_by_merge_and_by_move_clusters_the_cards_with_seq_gap_free(
    live_board: LiveBoard,
) -> None:
    setup, facilitator, cards = board_with_cards(live_board)
    watcher = live_board.joined(setup.participants[1].token, setup.board)
    start = facilitator.join(setup.board)["seq"]
    groups = {
        frozenset(g["cards"]): g["cards"]
        for g in suggest(facilitator, setup.board)["groups"]
    }
    audits = groups[frozenset(ids(cards, AUDIT))]
    solar = groups[frozenset(ids(cards, SOLAR))]

    # Accept the audits as one merge; the solar cards as moves into the first.
    merged = facilitator.change(
        setup.board, "card:merge", cards=audits[1:], into=audits[0]
    )
    assert merged["ok"], merged
    head = solar[0]
    for card_id in solar[1:]:
        card = next(c for c in cards.values() if c["id"] == card_id)
        moved = facilitator.change(
            setup.board,
            "card:move",
            card=card_id,
            version=card["version"],
            cluster=head,
        )
        assert moved["ok"], moved
        assert moved["card"]["cluster"] == head
    last = moved["seq"]

    assert watcher.wait_for_seq(setup.board, last)
    time.sleep(SETTLE)
    assert watcher.seqs(setup.board) == consecutive(start + 1, last)
    shown = {
        e["data"]["card"]["id"]: e["data"]["card"]
        for e in watcher.events_of(setup.board)
    }
    assert all(shown[card]["cluster"] == head for card in solar[1:])
    # Accepted groups are not suggested again.
    assert suggest(facilitator, setup.board)["groups"] == []
