"""Breakout groups against the live server (a real `python app.py`, real WebSockets):
the facilitator splits six participants into two groups, each group works on a board
of its own (its own `seq` from 1), and at the end every card, comment and draft
commitment of each group is on the main board once, with its group, as ordinary
events of the main board's log; `seq` has no gap on any board, as each client saw
it. Participants join only their own group's board and cannot start a breakout."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.board.conftest import (
    BoardClient,
    BoardSetup,
    LiveBoard,
    Seat,
    consecutive,
)

SETTLE = 0.3


def commitment_payload(
    seat: Seat, theme: int, title: str, cards: list[int]
) -> dict[str, Any]:
    return {
        "title": title,
        "action": "Install meters",
        "theme": theme,
        "lead": seat.organisation,
        "indicator": {"name": "Energy", "unit": "MWh", "baseline": 10, "target": 5},
        "deadline": "2030-12-31",
        "support_requested": "",
        "source_cards": cards,
    }


def start_in_two_groups(
    live_board: LiveBoard, setup: BoardSetup, facilitator: BoardClient
) -> dict[str, Any]:
    """Participants 0-2 in group 1, 3-5 in group 2, by hand."""
    assignment = {
        str(seat.person): 1 if n < 3 else 2 for n, seat in enumerate(setup.participants)
    }
    ack = facilitator.change(
        setup.board, "breakout:start", groups=2, mode="manual", assignment=assignment
    )
    assert ack["ok"], ack
    return ack


def group_board_of(client: BoardClient, main: int, person: int) -> int:
    """The board of `person`'s group, as the main board's `breakout:start` event
    told this client."""
    assert client.wait_until(
        lambda: any(e["type"] == "breakout:start" for e in client.events_of(main))
    )
    started = next(e for e in client.events_of(main) if e["type"] == "breakout:start")
    return next(
        group["board"]
        for group in started["data"]["groups"]
        if person in group["members"]
    )


@dataclass
class Room:
    """A main board split in two groups by hand, everyone joined where they work:
    the facilitator on the main board and (other connections) on each group's."""

    setup: BoardSetup
    facilitator: BoardClient
    people: list[BoardClient]
    groups: dict[int, dict[str, Any]]  # group number -> the group (breakout:start)
    boards: list[int]  # each participant's group board
    following: dict[int, BoardClient]  # group number -> the facilitator there

    @property
    def main(self) -> int:
        return self.setup.board


def split_room(live_board: LiveBoard) -> Room:
    setup = live_board.new_board(6)
    main = setup.board
    facilitator = live_board.joined(setup.facilitator, main)
    assert facilitator.change(main, "board:phase", phase="ideas")["ok"]
    people = [live_board.joined(seat.token, main) for seat in setup.participants]
    started = start_in_two_groups(live_board, setup, facilitator)
    groups = {group["no"]: group for group in started["groups"]}
    assert [groups[1]["name"], groups[2]["name"]] == ["Group 1", "Group 2"]
    # Everyone learns their group from the main board's event and joins its board.
    boards = [
        group_board_of(client, main, seat.person)
        for client, seat in zip(people, setup.participants, strict=True)
    ]
    assert boards == [groups[1]["board"]] * 3 + [groups[2]["board"]] * 3
    for client, board in zip(people, boards, strict=True):
        joined = client.join(board)
        assert joined["ok"], joined
        assert joined["seq"] == 0
        assert joined["snapshot"]["board"]["group"]["board"] == board
        assert joined["snapshot"]["board"]["parent"] == main
    following = {
        no: live_board.joined(setup.facilitator, g["board"]) for no, g in groups.items()
    }
    return Room(setup, facilitator, people, groups, boards, following)


def write_cards(room: Room) -> dict[int, set[str]]:
    """Each participant writes two cards and one they delete; the texts kept, by
    group number."""
    expected: dict[int, set[str]] = {1: set(), 2: set()}
    theme = room.setup.themes[0]
    for n, (client, board) in enumerate(zip(room.people, room.boards, strict=True)):
        no = 1 if n < 3 else 2
        for k in range(2):
            text = f"Group {no}, person {n}, card {k}"
            assert client.change(board, "card:create", theme=theme, text=text)["ok"]
            expected[no].add(text)
        gone = client.change(board, "card:create", theme=theme, text=f"gone {n}")
        deleted = client.change(
            board, "card:delete", card=gone["card"]["id"], version=1
        )
        assert deleted["ok"]
    return expected


def draft_commitments(room: Room) -> dict[str, int]:
    """In each group the facilitator hides a card and moves on to drafting; one
    participant drafts a commitment from the group's first card and comments on
    it. The commitments' titles and their group numbers."""
    expected = {}
    theme = room.setup.themes[0]
    for no, writer_index in ((1, 0), (2, 3)):
        board = room.groups[no]["board"]
        following = room.following[no]
        cards = following.join(board)["snapshot"]["cards"]
        hide = following.change(board, "card:hide", card=cards[1]["id"], hidden=True)
        assert hide["ok"]
        assert following.change(board, "board:phase", phase="draft")["ok"]
        writer = room.people[writer_index]
        title = f"Group {no} commitment"
        seat = room.setup.participants[writer_index]
        payload = commitment_payload(seat, theme, title, [cards[0]["id"]])
        assert writer.change(board, "commitment:create", **payload)["ok"]
        comment = writer.change(
            board, "comment:add", card=cards[0]["id"], text=f"Comment {no}"
        )
        assert comment["ok"]
        expected[title] = no
    return expected


def of_type(events: list[dict[str, Any]], kind: str, key: str) -> list[Any]:
    return [e["data"][key] for e in events if e["type"] == kind]


def test_six_participants_in_two_groups_bring_everything_back_with_their_group(
    live_board: LiveBoard,
) -> None:
    room = split_room(live_board)
    main = room.main
    expected_cards = write_cards(room)
    expected_commitments = draft_commitments(room)

    ended = room.facilitator.change(main, "breakout:end")

    assert ended["ok"], ended
    for client in [room.facilitator, *room.people]:
        assert client.wait_for_seq(main, ended["seq"])
    # Main board: every card and commitment once, with its group.
    events = room.facilitator.events_of(main)
    cards = of_type(events, "card:create", "card")
    by_group: dict[int, set[str]] = {1: set(), 2: set()}
    for card in cards:
        by_group[card["group"]["no"]].add(card["text"])
    assert by_group == expected_cards
    assert len(cards) == 12
    assert {card["board"] for card in cards} == {main}
    assert len([card for card in cards if card["hidden"]]) == 2
    commitments = of_type(events, "commitment:create", "commitment")
    assert {c["title"]: c["group"]["no"] for c in commitments} == expected_commitments
    assert {c["board"] for c in commitments} == {main}
    sources = {source for c in commitments for source in c["source_cards"]}
    assert len(sources) == 2
    assert sources <= {card["id"] for card in cards}
    comments = of_type(events, "comment:add", "comment")
    assert sorted(c["text"] for c in comments) == ["Comment 1", "Comment 2"]
    assert events[-1]["type"] == "breakout:end"
    # What a participant receives of a hidden card is its place, not its words.
    seen = of_type(room.people[0].events_of(main), "card:create", "card")
    assert sorted(card["text"] for card in seen if card["hidden"]) == ["", ""]


def test_seq_has_no_gap_on_any_board_as_every_client_saw_it(
    live_board: LiveBoard,
) -> None:
    room = split_room(live_board)
    main = room.main
    write_cards(room)
    draft_commitments(room)

    ended = room.facilitator.change(main, "breakout:end")

    assert room.facilitator.wait_for_seq(main, ended["seq"])
    assert room.facilitator.seqs(main) == consecutive(1, ended["seq"])
    for client in room.people:
        # Joined after the phase change (seq 1): every event from the breakout on.
        assert client.wait_for_seq(main, ended["seq"])
        assert client.seqs(main) == consecutive(2, ended["seq"])
    for no, following in room.following.items():
        board = room.groups[no]["board"]
        assert following.wait_until(
            lambda f=following, b=board: f.events_of(b)[-1]["type"] == "breakout:end"
        )
        last = following.seqs(board)[-1]
        members = [
            c for c, b in zip(room.people, room.boards, strict=True) if b == board
        ]
        for client in [following, *members]:
            assert client.wait_for_seq(board, last)
            assert client.seqs(board) == consecutive(1, last)
        closing = following.events_of(board)[-1]
        assert closing["data"]["board"]["phase"] == "closed"
        assert closing["data"]["main"] == main


def test_after_the_end_the_main_board_holds_it_all_and_the_groups_are_closed(
    live_board: LiveBoard,
) -> None:
    room = split_room(live_board)
    write_cards(room)
    expected_commitments = draft_commitments(room)

    assert room.facilitator.change(room.main, "breakout:end")["ok"]

    snapshot = room.facilitator.join(room.main)["snapshot"]
    assert len([c for c in snapshot["cards"] if c["group"]]) == 12
    assert {c["title"] for c in snapshot["commitments"]} == set(expected_commitments)
    assert snapshot["breakout"] == {"groups": []}
    theme = room.setup.themes[0]
    late = room.people[1].change(
        room.boards[1], "card:create", theme=theme, text="Late"
    )
    assert late["error"]["code"] == "phase"
    board = room.groups[1]["board"]
    reopen = room.following[1].change(board, "board:phase", phase="ideas")
    assert reopen["error"]["code"] == "phase"


def test_ending_twice_changes_nothing_more(live_board: LiveBoard) -> None:
    setup = live_board.new_board(6)
    main = setup.board
    facilitator = live_board.joined(setup.facilitator, main)
    assert facilitator.change(main, "board:phase", phase="ideas")["ok"]
    started = start_in_two_groups(live_board, setup, facilitator)
    group = started["groups"][0]["board"]
    writer = live_board.joined(setup.participants[0].token, group)
    assert writer.change(group, "card:create", theme=setup.themes[0], text="Once")["ok"]

    payload = {"board": main, "cid": "end-once"}
    first = facilitator.ack("breakout:end", payload)
    repeated = facilitator.ack("breakout:end", payload)
    again = facilitator.change(main, "breakout:end")

    assert first["ok"]
    assert repeated == first
    assert again["ok"] is False
    assert again["error"]["code"] == "not_found"
    snapshot = facilitator.join(main)["snapshot"]
    assert snapshot["board"]["seq"] == first["seq"]
    assert [c["text"] for c in snapshot["cards"]] == ["Once"]


def test_a_participant_joins_only_their_own_groups_board(live_board: LiveBoard) -> None:
    setup = live_board.new_board(6)
    main = setup.board
    facilitator = live_board.joined(setup.facilitator, main)
    assert facilitator.change(main, "board:phase", phase="ideas")["ok"]
    started = start_in_two_groups(live_board, setup, facilitator)
    one, two = (group["board"] for group in started["groups"])
    member_of_one = live_board.connect(setup.participants[0].token)

    refused = member_of_one.join(two)
    allowed = member_of_one.join(one)

    assert refused["ok"] is False
    assert refused["error"]["code"] == "forbidden"
    assert allowed["ok"] is True
    card = member_of_one.change(two, "card:create", theme=setup.themes[0], text="Sneak")
    assert card["ok"] is False
    assert (
        live_board.joined(setup.facilitator, two).join(two)["snapshot"]["cards"] == []
    )


def test_only_the_facilitator_starts_a_breakout_and_only_in_ideas_or_draft(
    live_board: LiveBoard,
) -> None:
    setup = live_board.new_board(6)
    main = setup.board
    facilitator = live_board.joined(setup.facilitator, main)
    participant = live_board.joined(setup.participants[0].token, main)

    in_lobby = facilitator.change(main, "breakout:start", groups=2)
    assert facilitator.change(main, "board:phase", phase="ideas")["ok"]
    by_participant = participant.change(main, "breakout:start", groups=2)
    end_by_participant = participant.change(main, "breakout:end")

    assert in_lobby["error"]["code"] == "phase"
    assert by_participant["error"]["code"] == "forbidden"
    assert end_by_participant["error"]["code"] == "forbidden"
    snapshot = facilitator.join(main)["snapshot"]
    assert snapshot["breakout"] == {"groups": []}
    assert snapshot["board"]["seq"] == 1


def test_random_groups_are_even_and_hold_everyone_once(live_board: LiveBoard) -> None:
    setup = live_board.new_board(6)
    main = setup.board
    facilitator = live_board.joined(setup.facilitator, main)
    assert facilitator.change(main, "board:phase", phase="ideas")["ok"]

    started = facilitator.change(main, "breakout:start", groups=2, mode="random")
    twice = facilitator.change(main, "breakout:start", groups=2, mode="random")

    assert started["ok"], started
    members = [group["members"] for group in started["groups"]]
    assert sorted(len(m) for m in members) == [3, 3]
    assert sorted(sum(members, [])) == sorted(s.person for s in setup.participants)
    assert twice["error"]["code"] == "phase"


def test_theme_groups_are_named_after_the_themes(live_board: LiveBoard) -> None:
    setup = live_board.new_board(4)
    main = setup.board
    facilitator = live_board.joined(setup.facilitator, main)
    assert facilitator.change(main, "board:phase", phase="draft")["ok"]

    started = facilitator.change(main, "breakout:start", groups=2, mode="theme")

    assert started["ok"], started
    themes = facilitator.join(main)["snapshot"]["board"]["themes"]
    assert [g["name"] for g in started["groups"]] == [t["name"] for t in themes[:2]]
    assert sorted(len(g["members"]) for g in started["groups"]) == [2, 2]


def test_bad_breakout_payloads_are_invalid_with_their_fields(
    live_board: LiveBoard,
) -> None:
    setup = live_board.new_board(2)
    main = setup.board
    facilitator = live_board.joined(setup.facilitator, main)
    assert facilitator.change(main, "board:phase", phase="ideas")["ok"]
    someone = str(setup.participants[0].person)
    cases = [
        ({"groups": 1}, "groups"),
        ({"groups": 21}, "groups"),
        ({"groups": "2"}, "groups"),
        ({"groups": 2, "mode": "alphabetical"}, "mode"),
        ({"groups": 2, "mode": "manual"}, "assignment"),
        ({"groups": 2, "mode": "manual", "assignment": {someone: 3}}, "assignment"),
        ({"groups": 2, "mode": "manual", "assignment": {"x": 1}}, "assignment"),
        ({"groups": 2, "mode": "manual", "assignment": [1, 2]}, "assignment"),
        ({"groups": 2, "mode": "manual", "assignment": {"999999": 1}}, "assignment"),
        ({"groups": 2, "assignment": {someone: 1}}, "assignment"),
        ({"groups": 20, "mode": "theme"}, "groups"),
    ]
    for fields, wrong in cases:
        ack = facilitator.change(main, "breakout:start", **fields)
        assert ack["ok"] is False, fields
        assert ack["error"]["code"] == "invalid", (fields, ack)
        assert wrong in ack["error"]["fields"], (fields, ack)
    assert facilitator.join(main)["snapshot"]["board"]["seq"] == 1
