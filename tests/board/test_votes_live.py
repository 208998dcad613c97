"""Hidden votes, the reveal, the vote settings and the spotlight against a really
served app (`python app.py`), over real sockets: what each role receives in events,
acks, a late joiner's snapshot and a replay, and that every board's `seq` stays
gap-free."""

from __future__ import annotations

from typing import Any

import pytest

from tests.board.conftest import BoardClient, LiveBoard, consecutive

VOTE_EVENTS = {"vote:cast", "vote:retract"}


def cards_on(facilitator: BoardClient, board: int, *texts: str) -> list[int]:
    """Cards the facilitator writes (bound to no phase)."""
    ids = []
    for text in texts:
        ack = facilitator.change(
            board, "card:create", theme=_theme(facilitator), text=text
        )
        assert ack["ok"], ack
        ids.append(ack["card"]["id"])
    return ids


_themes: dict[int, int] = {}


def _theme(client: BoardClient) -> int:
    return _themes[id(client)]


def joined_facilitator(live_board: LiveBoard, setup: Any) -> BoardClient:
    facilitator = live_board.joined(setup.facilitator, setup.board)
    _themes[id(facilitator)] = setup.themes[0]
    return facilitator


def ok(ack: dict[str, Any]) -> dict[str, Any]:
    assert ack["ok"], ack
    return ack


def settled(clients: list[BoardClient], board: int, seq: int) -> None:
    for client in clients:
        assert client.wait_for_seq(board, seq)
        assert client.seqs(board)[-1] == seq


def vote_data(client: BoardClient, board: int) -> list[dict[str, Any]]:
    return [e["data"] for e in client.events_of(board) if e["type"] in VOTE_EVENTS]


def test_participants_get_no_totals_before_the_reveal_anywhere_and_all_after(
    live_board: LiveBoard,
):
    setup = live_board.new_board(participants=3)
    facilitator = joined_facilitator(live_board, setup)
    board = setup.board
    pallets, vans = cards_on(facilitator, board, "Pallets", "Vans")
    ok(facilitator.change(board, "board:phase", phase="vote"))
    alice = live_board.joined(setup.participants[0].token, board)
    bob = live_board.joined(setup.participants[1].token, board)
    before_votes = bob.join(board)["seq"]

    first = ok(alice.change(board, "vote:cast", card=pallets))
    second = ok(alice.change(board, "vote:cast", card=pallets))
    last = ok(bob.change(board, "vote:cast", card=pallets))["seq"]
    settled([facilitator, alice, bob], board, last)

    # Acks and the voter's own `votes` say their own votes, never the total.
    assert (first["card"], first["mine"], first["votes_left"]) == (pallets, 1, 4)
    assert (second["mine"], second["votes_left"]) == (2, 3)
    assert "total" not in second
    assert alice.wait_until(lambda: len(alice.votes) == 2)
    assert alice.votes[-1] == {"board": board, "card": pallets, "mine": 2, "left": 3}
    # Participants' vote events say nothing of the votes; facilitators see totals.
    assert vote_data(bob, board) == [{"revealed": False}] * 3
    assert vote_data(alice, board) == [{"revealed": False}] * 3
    assert [d["total"] for d in vote_data(facilitator, board)] == [1, 2, 3]
    # A late joiner's snapshot, and a replay, hold none either.
    carol = live_board.connect(setup.participants[2].token)
    snapshot = ok(carol.join(board))["snapshot"]
    assert snapshot["votes"]["totals"] == {}
    assert snapshot["board"]["votes_revealed"] is False
    replay = ok(bob.join(board, since=before_votes))
    assert replay["mode"] == "events"
    assert [e["data"] for e in replay["events"]] == [{"revealed": False}] * 3
    assert replay["votes"] == {"mine": {str(pallets): 1}, "totals": {}, "left": 4}
    staff = ok(facilitator.join(board, since=before_votes))
    assert [e["data"]["total"] for e in staff["events"]] == [1, 2, 3]

    reveal = ok(facilitator.change(board, "vote:reveal", revealed=True))
    after = ok(carol.change(board, "vote:cast", card=vans))["seq"]
    settled([facilitator, alice, bob, carol], board, after)

    shown = bob.events_of(board)
    assert shown[-2]["type"] == "vote:reveal"
    assert shown[-2]["data"]["totals"] == {str(pallets): 3}
    assert shown[-1]["data"]["card"] == vans
    assert shown[-1]["data"]["total"] == 1
    late = live_board.connect(setup.participants[2].token)
    assert ok(late.join(board))["snapshot"]["votes"]["totals"] == {
        str(pallets): 3,
        str(vans): 1,
    }
    assert ok(bob.join(board, since=reveal["seq"] - 1))["votes"]["totals"] == {
        str(pallets): 3,
        str(vans): 1,
    }
    # Hidden again: from then on, nothing again.
    hidden = ok(facilitator.change(board, "vote:reveal", revealed=False))["seq"]
    settled([facilitator, bob], board, hidden)
    hiding = bob.events_of(board)[-1]["data"]
    assert (hiding["revealed"], hiding["board"]["votes_revealed"]) == (False, False)
    assert "totals" not in hiding
    assert facilitator.events_of(board)[-1]["data"]["totals"] == {
        str(pallets): 3,
        str(vans): 1,
    }
    assert facilitator.seqs(board) == consecutive(1, hidden)
    assert bob.seqs(board) == consecutive(before_votes + 1, hidden)


def test_the_settings_limit_votes_per_person_and_per_card_and_keep_votes_cast(
    live_board: LiveBoard,
):
    setup = live_board.new_board(participants=2)
    facilitator = joined_facilitator(live_board, setup)
    board = setup.board
    pallets, vans = cards_on(facilitator, board, "Pallets", "Vans")
    alice = live_board.joined(setup.participants[0].token, board)
    assert alice.change(board, "vote:settings", budget=3)["error"]["code"] == (
        "forbidden"
    )
    settings = ok(facilitator.change(board, "vote:settings", budget=3, per_card=2))
    assert (settings["board"]["vote_budget"], settings["board"]["vote_per_card"]) == (
        3,
        2,
    )
    ok(facilitator.change(board, "board:phase", phase="vote"))

    ok(alice.change(board, "vote:cast", card=pallets))
    ok(alice.change(board, "vote:cast", card=pallets))
    refused = alice.change(board, "vote:cast", card=pallets)
    assert refused["error"]["code"] == "vote_per_card"
    assert ok(alice.change(board, "vote:cast", card=vans))["votes_left"] == 0
    assert alice.change(board, "vote:cast", card=vans)["error"]["code"] == (
        "vote_budget"
    )

    for budget, per_card in ((2, 2), (3, 1)):
        conflict = facilitator.change(
            board, "vote:settings", budget=budget, per_card=per_card
        )["error"]
        assert conflict["code"] == "conflict"
        assert conflict["current"] == {"most_used": 3, "most_on_a_card": 2}
    raised = ok(facilitator.change(board, "vote:settings", budget=5))["board"]
    assert (raised["vote_budget"], raised["vote_per_card"]) == (5, 5)
    assert ok(alice.change(board, "vote:cast", card=pallets))["mine"] == 3

    ok(facilitator.change(board, "board:phase", phase="sign"))
    late = facilitator.change(board, "vote:settings", budget=9)["error"]
    assert late["code"] == "phase"
    assert ok(alice.join(board))["snapshot"]["board"]["vote_budget"] == 5


@pytest.mark.parametrize("kind", ["card", "cluster", "commitment"])
def test_a_spotlight_reaches_another_participant_and_a_late_joiner_until_released(
    live_board: LiveBoard, kind: str
):
    setup = live_board.new_board(participants=3)
    facilitator = joined_facilitator(live_board, setup)
    board = setup.board
    head, member = cards_on(facilitator, board, "Pallets", "Pallet pool")
    ok(facilitator.change(board, "card:move", card=member, version=1, cluster=head))
    lead = setup.participants[0]
    commitment = ok(
        facilitator.change(
            board,
            "commitment:create",
            title="Pallet pool by 2027",
            theme=setup.themes[0],
            lead=lead.organisation,
            indicator={"name": "Pallets", "unit": "%", "baseline": 0, "target": 50},
            deadline="2027-12-31",
        )
    )["commitment"]["id"]
    target = {
        "type": kind,
        "id": {"card": member, "cluster": head}.get(kind, commitment),
    }
    bob = live_board.joined(setup.participants[1].token, board)

    shown = ok(facilitator.change(board, "board:spotlight", target=target))
    settled([bob], board, shown["seq"])

    assert bob.events_of(board)[-1]["type"] == "board:spotlight"
    assert bob.events_of(board)[-1]["data"]["board"]["spotlight"] == target
    carol = live_board.connect(setup.participants[2].token)
    assert ok(carol.join(board))["snapshot"]["board"]["spotlight"] == target

    released = ok(facilitator.change(board, "board:spotlight", target=None))
    settled([bob, carol], board, released["seq"])
    assert carol.events_of(board)[-1]["data"]["board"]["spotlight"] is None
    assert bob.seqs(board) == consecutive(bob.seqs(board)[0], released["seq"])


def test_a_spotlight_needs_a_visible_card_and_a_real_cluster(live_board: LiveBoard):
    setup = live_board.new_board(participants=1)
    facilitator = joined_facilitator(live_board, setup)
    board = setup.board
    lonely, hidden = cards_on(facilitator, board, "Alone", "Hidden")
    ok(facilitator.change(board, "card:hide", card=hidden, hidden=True))
    before = ok(facilitator.join(board))["seq"]

    for target in ({"type": "cluster", "id": lonely}, {"type": "card", "id": hidden}):
        error = facilitator.change(board, "board:spotlight", target=target)["error"]
        assert error["code"] == "invalid"
        assert "target.id" in error["fields"]
    participant = live_board.joined(setup.participants[0].token, board)
    target = {"type": "card", "id": lonely}
    error = participant.change(board, "board:spotlight", target=target)["error"]
    assert error["code"] == "forbidden"
    assert ok(facilitator.join(board))["seq"] == before
